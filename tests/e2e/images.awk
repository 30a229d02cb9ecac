# Reads `mutool trace` output and prints the visible rectangle of every
# image (image box intersected with the clip in force), in device space
# (points, y down) as pdftotext -bbox reports words:
#   page x0 y0 x1 y1 colorspace
function attr(s, name) {
    if (match(s, name "=\"[^\"]*\""))
        return substr(s, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
    return ""
}
/<page / { page++; nclip = 0 }
/<clip_path / {
    split(attr($0, "transform"), t, " ")
    inclip = 1; cx0 = 1e9; cy0 = 1e9; cx1 = -1e9; cy1 = -1e9
}
inclip && /<(moveto|lineto) / {
    x = attr($0, "x") + 0; y = attr($0, "y") + 0
    dx = t[1] * x + t[3] * y + t[5]; dy = t[2] * x + t[4] * y + t[6]
    if (dx < cx0) cx0 = dx; if (dx > cx1) cx1 = dx
    if (dy < cy0) cy0 = dy; if (dy > cy1) cy1 = dy
}
/<\/clip_path>/ { inclip = 0; nclip++; clx0[nclip] = cx0; cly0[nclip] = cy0; clx1[nclip] = cx1; cly1[nclip] = cy1 }
/<pop_clip/ { if (nclip > 0) nclip-- }
/<fill_image / {
    split(attr($0, "transform"), m, " ")
    x0 = m[5]; y0 = m[6]; x1 = m[5] + m[1]; y1 = m[6] + m[4]
    if (y1 < y0) { tmp = y0; y0 = y1; y1 = tmp }
    for (i = 1; i <= nclip; i++) {
        if (clx0[i] > x0) x0 = clx0[i]; if (cly0[i] > y0) y0 = cly0[i]
        if (clx1[i] < x1) x1 = clx1[i]; if (cly1[i] < y1) y1 = cly1[i]
    }
    printf "%d %.2f %.2f %.2f %.2f %s\n", page, x0, y0, x1, y1, attr($0, "colorspace")
}
