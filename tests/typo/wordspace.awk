# Reads `pdftotext -bbox-layout` XHTML and prints one line per text line:
#   page height right_edge gaps mean_gap_pt words first_words
# A word space is what a reader sees: from the right edge of one word's
# box to the left edge of the next.
function attr(s, name) {
    if (match(s, name "=\"[^\"]*\""))
        return substr(s, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
    return ""
}
function flush(    i, sum, text) {
    if (n == 0) return
    sum = 0
    for (i = 2; i <= n; i++) sum += x0[i] - x1[i - 1]
    text = ""
    for (i = 1; i <= n && i <= 6; i++) text = text (i > 1 ? "_" : "") w[i]
    printf "%d %.2f %.2f %d %.4f %d %s\n", page, h, x1[n], n - 1, (n > 1 ? sum / (n - 1) : 0), n, text
    n = 0
}
/<page / { page++ }
/<line / { flush(); h = 0 }
/<\/line>/ { flush() }
/<word / {
    n++
    x0[n] = attr($0, "xMin") + 0; x1[n] = attr($0, "xMax") + 0
    wh = attr($0, "yMax") - attr($0, "yMin")
    if (wh > h) h = wh
    t = $0; sub(/^.*">/, "", t); sub(/<\/word>.*$/, "", t)
    w[n] = t
}
END { flush() }
