#include "breaks.h"

#include <linebreak.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"
#include "timing.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_tables(void)
{
    init_linebreak();
}

static int is_break_space(uint32_t cp)
{
    /* No-break space (U+00A0), figure space (U+2007) and narrow no-break
     * space (U+202F) bind; the others separate words. */
    return cp == 0x20 || (cp >= 0x2000 && cp <= 0x200B && cp != 0x2007) || cp == 0x3000 ||
           cp == '\t';
}

/* A spaced dash ("2020 - 2021", "xanh – sạch") stays at the end of its
 * line: a line never starts with one. */
static int starts_with_dash(const char *s, size_t len)
{
    uint32_t cp;
    size_t k = utf8_decode(s, len, &cp);
    return k && (cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x2012);
}

/* Units and amounts that follow a number in Vietnamese news text. */
static const char *const units[] = {
    "km", "km2", "km²", "m", "m2", "m²", "m3", "m³", "cm", "mm", "ha", "kg", "g", "tấn", "tạ",
    "lít", "%", "°C", "USD", "VND", "đ", "đồng", "tỷ", "triệu", "nghìn", "ngàn", "MW", "kW",
    "kWh", NULL};

/* Is the word starting at s (up to the next space or punctuation) a unit? */
static int is_unit_word(const char *s, size_t len)
{
    size_t wl = 0;
    while (wl < len && s[wl] != ' ' && s[wl] != ',' && s[wl] != '.' && s[wl] != ';' &&
           s[wl] != ')' && s[wl] != ':' && s[wl] != '\n')
        wl++;
    for (size_t i = 0; units[i]; i++)
        if (strlen(units[i]) == wl && memcmp(units[i], s, wl) == 0)
            return 1;
    return 0;
}

static int is_digit_before_space(const char *text, size_t space_at)
{
    size_t i = space_at;
    while (i > 0 && text[i - 1] == ' ')
        i--;
    return i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9';
}

static void breaks_find_untimed(const char *text, size_t len, unsigned options, uint8_t *out)
{
    pthread_once(&init_once, init_tables);
    memset(out, BREAK_NONE, len + 1);
    if (!len)
        return;
    char *brks = xmalloc(len);
    set_linebreaks_utf8((const utf8_t *)text, len, "vi", brks);
    uint32_t prev_cp = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(text + i, len - i, &cp);
        if (!k)
            k = 1;
        size_t last = i + k - 1;
        prev_cp = cp;
        if (text[i] == '\n') {
            out[i + 1] = BREAK_MANDATORY;
        } else if (last + 1 < len && brks[last] == LINEBREAK_ALLOWBREAK &&
                   is_break_space(prev_cp) && !starts_with_dash(text + last + 1, len - last - 1) &&
                   !((options & BREAKS_KEEP_UNITS) && is_digit_before_space(text, i) &&
                     is_unit_word(text + last + 1, len - last - 1))) {
            out[last + 1] = BREAK_ALLOWED;
        }
        i += k;
    }
    free(brks);
}

void breaks_find(const char *text, size_t len, unsigned options, uint8_t *out)
{
    timing_push(STAGE_BREAKING);
    breaks_find_untimed(text, len, options, out);
    timing_pop();
}
