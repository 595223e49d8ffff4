/* digest._sketch: digest.stories's MinHash signature, where its numbers start
   and its text without links' markup, compiled.

   signature(text) gives exactly the bytes of digest.stories._signature_py(text):
   the text lowered (str.lower), its words (runs of the characters the re
   module's \w matches in a str: alphanumeric or "_"), each cut to 6
   characters, the CRC-32 of the UTF-8 of each pair of neighbouring words
   joined by a space, mixed by a multiplication, one-permutation MinHash into
   64 bins of 16 bits with densification; None with fewer than two words.
   The Python function is the definition (and the fallback where this module
   cannot be built); tests/test_stories.py checks that both give the same
   bytes. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define BINS 64
#define WORD 6 /* characters kept of a word */
#define MIX 0x9E3779B1u
#define SHIFT 0x9E37u

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_bytes(uint32_t crc, const unsigned char *p, Py_ssize_t n)
{
    while (n-- > 0)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

/* a code point as UTF-8 (no surrogates reach here: they are not word characters) */
static int utf8(Py_UCS4 c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

typedef struct {
    unsigned char bytes[WORD * 4];
    int length;
} Word;

static PyObject *signature(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "signature() takes a str");
        return NULL;
    }
    PyObject *lowered = PyObject_CallMethod(text, "lower", NULL);
    if (lowered == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(lowered);
    int kind = PyUnicode_KIND(lowered);
    const void *data = PyUnicode_DATA(lowered);

    Word *words = PyMem_Malloc(sizeof(Word) * (size_t)(n / 2 + 1));
    if (words == NULL) {
        Py_DECREF(lowered);
        return PyErr_NoMemory();
    }
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!(Py_UNICODE_ISALNUM(c) || c == '_')) {
            i++;
            continue;
        }
        Word *w = &words[count++];
        w->length = 0;
        int kept = 0;
        for (; i < n; i++) {
            c = PyUnicode_READ(kind, data, i);
            if (!(Py_UNICODE_ISALNUM(c) || c == '_'))
                break;
            if (kept < WORD) {
                w->length += utf8(c, w->bytes + w->length);
                kept++;
            }
        }
    }
    Py_DECREF(lowered);
    if (count < 2) {
        PyMem_Free(words);
        Py_RETURN_NONE;
    }

    uint32_t best[BINS];
    int filled[BINS] = {0};
    const unsigned char space = ' ';
    for (Py_ssize_t k = 0; k + 1 < count; k++) {
        uint32_t crc = crc_bytes(0xFFFFFFFFu, words[k].bytes, words[k].length);
        crc = crc_bytes(crc, &space, 1);
        crc = crc_bytes(crc, words[k + 1].bytes, words[k + 1].length);
        uint32_t h = (uint32_t)((~crc) * MIX); /* modulo 2**32 */
        int bin = (int)(h & (BINS - 1));
        if (!filled[bin] || h < best[bin]) {
            best[bin] = h;
            filled[bin] = 1;
        }
    }
    PyMem_Free(words);

    unsigned char out[2 * BINS];
    for (int i = 0; i < BINS; i++) {
        uint64_t v = 0;
        if (filled[i]) {
            v = best[i] >> 6;
        } else {
            for (int d = 1; d < BINS; d++) {
                int j = (i + d) % BINS;
                if (filled[j]) {
                    v = (uint64_t)(best[j] >> 6) + (uint64_t)d * SHIFT;
                    break;
                }
            }
        }
        out[2 * i] = (unsigned char)(v & 0xFF);
        out[2 * i + 1] = (unsigned char)((v >> 8) & 0xFF);
    }
    return PyBytes_FromStringAndSize((const char *)out, sizeof out);
}

/* number_starts(text) gives exactly digest.stories._number_starts_py(text): where
   each run of digest.stories._RUN starts (an ASCII digit, then any digits and
   separators ".,:/", space, U+00A0, U+202F), every run as long as it goes. */
static int in_run(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == ':' || c == '/' || c == ' '
        || c == 0x00A0 || c == 0x202F;
}

static PyObject *number_starts(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "number_starts() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < '0' || c > '9')
            continue;
        PyObject *at = PyLong_FromSsize_t(i);
        if (at == NULL || PyList_Append(out, at) < 0) {
            Py_XDECREF(at);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(at);
        while (i + 1 < n && in_run(PyUnicode_READ(kind, data, i + 1)))
            i++;
    }
    return out;
}

/* strip_markup(text) gives exactly digest.stories._strip_markup_py(text): each
   match of digest.stories._MARKUP replaced by its text. At each character the
   one alternative that can start there is tried (they start with distinct
   characters) and is deterministic, as the regular expression is:
     ![alt](…) and [text](…)  the first "]" after "[", then "(" at once, then
                              the first ")": the alt or text, or " " if empty;
     <…>                      the first ">" after it: " ";
     http://… and https://…   then one or more characters that are not
                              whitespace (Py_UNICODE_ISSPACE, the re
                              module's \S): " ".
   Where none matches, the character is kept. */
static Py_ssize_t find_char(const Py_UCS4 *s, Py_ssize_t from, Py_ssize_t n, Py_UCS4 c)
{
    for (Py_ssize_t i = from; i < n; i++)
        if (s[i] == c)
            return i;
    return -1;
}

/* [text](…) starting at p: its end (after ")") and the text's span, or 0 */
static Py_ssize_t bracket_link(const Py_UCS4 *s, Py_ssize_t p, Py_ssize_t n, Py_ssize_t *from, Py_ssize_t *to)
{
    Py_ssize_t close = find_char(s, p + 1, n, ']');
    if (close < 0 || close + 1 >= n || s[close + 1] != '(')
        return 0;
    Py_ssize_t paren = find_char(s, close + 2, n, ')');
    if (paren < 0)
        return 0;
    *from = p + 1;
    *to = close;
    return paren + 1;
}

/* http://… or https://… starting at p: its end, or 0 */
static Py_ssize_t address(const Py_UCS4 *s, Py_ssize_t p, Py_ssize_t n)
{
    if (p + 4 > n || s[p] != 'h' || s[p + 1] != 't' || s[p + 2] != 't' || s[p + 3] != 'p')
        return 0;
    Py_ssize_t q = p + 4;
    if (q < n && s[q] == 's')
        q++;
    if (q + 3 > n || s[q] != ':' || s[q + 1] != '/' || s[q + 2] != '/')
        return 0;
    q += 3;
    Py_ssize_t start = q;
    while (q < n && !Py_UNICODE_ISSPACE(s[q]))
        q++;
    return q > start ? q : 0;
}

static PyObject *strip_markup(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "strip_markup() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *s = PyUnicode_AsUCS4Copy(text);
    if (s == NULL)
        return NULL;
    Py_UCS4 *out = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n + 1));
    if (out == NULL) {
        PyMem_Free(s);
        return PyErr_NoMemory();
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n;) {
        Py_UCS4 c = s[i];
        Py_ssize_t end = 0, from = 0, to = 0;
        if (c == '!' && i + 1 < n && s[i + 1] == '[')
            end = bracket_link(s, i + 1, n, &from, &to);
        else if (c == '[')
            end = bracket_link(s, i, n, &from, &to);
        else if (c == '<') {
            Py_ssize_t close = find_char(s, i + 1, n, '>');
            end = close < 0 ? 0 : close + 1;
        } else if (c == 'h')
            end = address(s, i, n);
        if (end == 0) {
            out[k++] = c;
            i++;
            continue;
        }
        if (to > from) {
            memcpy(out + k, s + from, sizeof(Py_UCS4) * (size_t)(to - from));
            k += to - from;
        } else
            out[k++] = ' ';
        i = end;
    }
    PyMem_Free(s);
    if (k == n) { /* nothing matched (each match is replaced by fewer characters): the text as it is */
        PyMem_Free(out);
        Py_INCREF(text);
        return text;
    }
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, k);
    PyMem_Free(out);
    return result;
}

static PyMethodDef methods[] = {
    {"strip_markup", strip_markup, METH_O, "The text without links' and images' markup (see digest.stories._strip_markup_py)."},
    {"signature", signature, METH_O, "The MinHash signature of a text (see digest.stories._signature_py)."},
    {"number_starts", number_starts, METH_O, "Where the runs of digits start (see digest.stories._number_starts_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "digest._sketch", "digest.stories's signature, number scan and markup strip, compiled.", -1, methods,
};

PyMODINIT_FUNC PyInit__sketch(void)
{
    crc_init();
    return PyModule_Create(&module);
}
