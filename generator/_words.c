/* arabic.words and arabic.word_count, compiled: a text's words as the WORD pattern finds them.
 *
 * A word is a run of characters that str.isalnum() accepts, which is what the pattern [^\W_]+
 * matches (the regular expression engine's \w is those characters and "_"). A full build of the
 * 31k archive reads every article's text this way six times (its linking terms, its search words
 * and index forms, its reading time); the expression engine takes 2.5-3 s a pass, this 1.7 s, most
 * of it making the words' strings. The pattern stays the reference (used where this module is not
 * built): tests/unit/test_arabic.py checks both give the same words.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int text_of(PyObject *text, int *kind, const void **data, Py_ssize_t *length) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "a text must be a str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return -1;
#endif
    *kind = PyUnicode_KIND(text);
    *data = PyUnicode_DATA(text);
    *length = PyUnicode_GET_LENGTH(text);
    return 0;
}

static PyObject *words(PyObject *self, PyObject *text) {
    int kind;
    const void *data;
    Py_ssize_t length;
    if (text_of(text, &kind, &data, &length) < 0) return NULL;
    PyObject *found = PyList_New(0);
    if (found == NULL) return NULL;
    Py_ssize_t i = 0;
    while (i < length) {
        while (i < length && !Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, i))) i++;
        if (i == length) break;
        Py_ssize_t start = i;
        while (i < length && Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, i))) i++;
        PyObject *word = PyUnicode_Substring(text, start, i);
        if (word == NULL || PyList_Append(found, word) < 0) {
            Py_XDECREF(word);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(word);
    }
    return found;
}

static PyObject *word_count(PyObject *self, PyObject *text) {
    int kind;
    const void *data;
    Py_ssize_t length;
    if (text_of(text, &kind, &data, &length) < 0) return NULL;
    Py_ssize_t count = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        int alnum = Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, i)) != 0;
        count += alnum && !in_word;
        in_word = alnum;
    }
    return PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"words", words, METH_O, "A text's words, in order (arabic.words)."},
    {"word_count", word_count, METH_O, "How many words a text holds (arabic.word_count)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_words", "arabic.words and arabic.word_count compiled (see arabic.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__words(void) {
    return PyModule_Create(&module);
}
