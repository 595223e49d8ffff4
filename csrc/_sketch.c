/* digest._sketch: the MinHash signature of digest.stories, and where its numbers
   start, compiled.

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

static PyMethodDef methods[] = {
    {"signature", signature, METH_O, "The MinHash signature of a text (see digest.stories._signature_py)."},
    {"number_starts", number_starts, METH_O, "Where the runs of digits start (see digest.stories._number_starts_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "digest._sketch", "digest.stories's signature and number scan, compiled.", -1, methods,
};

PyMODINIT_FUNC PyInit__sketch(void)
{
    crc_init();
    return PyModule_Create(&module);
}
