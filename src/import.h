#ifndef BULLETIN_IMPORT_H
#define BULLETIN_IMPORT_H
/* `bulletin import`: turns a Word file, a saved web page or scraped text
 * into an article file (YAML front matter + CommonMark body) with its
 * photos beside it. Each reader (import_docx.c, import_html.c,
 * import_text.c) fills an imported_article with blocks of styled text;
 * import.c decodes legacy encodings, recognises what the readers could
 * not know (date line, portal cruft, byline), writes the article and
 * reports every guess so the editor can check it in a minute. */

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "util.h"

typedef enum import_block_kind {
    IMPORT_PARAGRAPH,
    IMPORT_SUBHEAD,
    IMPORT_QUOTE,
    IMPORT_BULLET,
    IMPORT_NUMBERED,
} import_block_kind;

enum { IMPORT_BOLD = 1, IMPORT_ITALIC = 2 };

typedef struct import_run {
    char *text; /* NFC */
    unsigned flags;
} import_run;

typedef struct import_block {
    import_block_kind kind;
    import_run *runs;
    size_t run_count, run_cap;
    int line;          /* where it starts in the input (paragraph number for .docx) */
    bool right_aligned; /* a hint for the byline */
    bool standalone;    /* a block of its own, not a line inside one (.txt) */
    int number;         /* numbered list item: its number, 0 = one more than the last */
} import_block;

typedef struct import_photo {
    char *file;    /* written beside the article; NULL: a slot for the editor to fill */
    char *caption, *credit;
    char *source;  /* where it came from, for the report */
    const char *ext;     /* "jpg" or "png": the kind of data */
    unsigned char *data; /* the bytes to write as file; NULL for a slot */
    size_t len;
    int line;
} import_photo;

typedef struct imported_article {
    const char *input; /* interned path, for diagnostics */
    const char *unit;  /* what block lines count: "line", "paragraph" */
    bool word_file;    /* no portal furniture to look for */
    char *title, *lead, *byline;
    int year, month, day;
    import_block *blocks;
    size_t block_count, block_cap;
    import_photo *photos;
    size_t photo_count, photo_cap;
    buf report; /* lines of what was recognised and guessed, "  " indented */
} imported_article;

/* --- used by the readers */

/* A new empty block of the given kind. */
import_block *import_add_block(imported_article *im, import_block_kind kind, int line);
/* Appends text (UTF-8, any normal form) to the block: blanks collapse to
 * one space as in HTML, emphasis runs merge. */
void import_block_add(import_block *b, const char *text, size_t len, unsigned flags);
/* The block's text without emphasis (malloc'd), blanks trimmed. */
char *import_block_text(const import_block *b);
/* Drops block i. */
void import_remove_block(imported_article *im, size_t i);
import_photo *import_add_photo(imported_article *im, int line);
/* Takes a photo's bytes when they are a JPEG or PNG (sets ext); else frees
 * them and returns false (the photo stays a slot). */
bool import_photo_data(import_photo *p, unsigned char *data, size_t len);
/* Words of text, split at spaces. */
size_t import_count_words(const char *s);
void import_note(imported_article *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first max_chars characters of text, "..." when cut (malloc'd). */
char *import_excerpt(const char *text, size_t max_chars);
/* Whitespace-trimmed, NFC copy of text with blanks collapsed (malloc'd). */
char *import_clean_text(const char *text, size_t len);
/* Parses a date such as "17:08 22/04/2021", "Thứ năm, 22/4/2021",
 * "2021-04-22T17:08:00+07:00" or "ngày 22 tháng 4 năm 2021" somewhere in
 * text. Returns true and the date; *only_date tells whether the text holds
 * nothing else (weekday, time, "Cập nhật", punctuation). */
bool import_find_date(const char *text, int *y, int *m, int *d, bool *only_date);
/* Whether a short line is a portal's furniture (EmailPrintAa, Chia sẻ,
 * Ý kiến bạn đọc...); *ends_article when what follows is comments or
 * related links. */
bool import_is_cruft(const char *text, bool *ends_article);
/* Whether text reads like a byline: a name (capitalised words), maybe
 * with the unit in parentheses or after a dash, "Theo ...", "Tin, ảnh: ...". */
bool import_is_byline(const char *text);
/* Splits a trailing photo credit ("(Ảnh: X)", "Ảnh: X") off a caption in
 * place; returns the credit (malloc'd) or NULL. */
char *import_split_credit(char *caption);

/* Decodes a text file: UTF-8 with or without BOM, UTF-16 (BOM or not),
 * Windows-1258, and TCVN3/VNI (raw or read as Windows-1252). Returns NFC
 * UTF-8 (malloc'd) and says what it converted in *what (static); NULL with
 * an error when no encoding fits. */
char *import_decode(const char *path, const char *bytes, size_t len, size_t *out_len,
                    const char **what, diag *d);

/* --- the readers: fill im from path; false after an error in d */
bool import_read_text(imported_article *im, const char *path, diag *d);
bool import_read_html(imported_article *im, const char *path, diag *d);
bool import_read_docx(imported_article *im, const char *path, diag *d);

/* Text typed in a legacy font (.VnTime, VNI-Times) reaches Word and web
 * pages as Windows-1252 letters: converts every string of im when TCVN3
 * or VNI reads as more Vietnamese, or always into `forced` (a LEGACY_
 * encoding from --input-encoding; 0 to detect). */
void import_fix_legacy(imported_article *im, int forced);

/* Recognises the date line, portal cruft and byline in what a reader
 * found, and takes the title from the first block when there is none. */
void import_tidy(imported_article *im, diag *d);

/* The article file's text (front matter + body), malloc'd. A block that
 * cannot be written so that CommonMark reads it back unchanged sets
 * *unfaithful_line (when not NULL) to its line. */
char *import_article_text(const imported_article *im, int *unfaithful_line);

/* The article text, checked by parsing it as the build will (malloc'd);
 * NULL with an error naming what the build would refuse. */
char *import_checked_text(const imported_article *im, const char *article_path, diag *d);

/* Writes DIR/STEM.md and the photos STEM-N.ext beside it; refuses to
 * replace existing files unless force. */
bool import_write(imported_article *im, const char *out_dir, const char *stem, bool force,
                  char **article_path, diag *d);

void import_free(imported_article *im);

#endif
