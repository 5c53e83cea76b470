/* symbols.holding_any, compiled: which records of numbered strings hold any of a few numbers.
 *
 * A rebuild asks it of every article's words and terms (9 million numbers in the 31k archive, a
 * few hundred asked about), in the linking process, which every later stage waits for. The numpy
 * version in symbols.py stays the reference (used where this module is not built) and gives the
 * same answers (tests/unit/test_symbols.py runs both); it costs that process 0.09 s to import
 * numpy before it can start. Records are arrays (or any buffers) of unsigned integers of one size.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t item_at(const char *data, Py_ssize_t itemsize, Py_ssize_t i) {
    switch (itemsize) {
    case 1: return ((const uint8_t *)data)[i];
    case 2: return ((const uint16_t *)data)[i];
    case 4: return ((const uint32_t *)data)[i];
    default: return ((const uint64_t *)data)[i];
    }
}

static PyObject *holding_any(PyObject *self, PyObject *args) {
    PyObject *records, *numbers;
    if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &records, &numbers)) return NULL;
    PyObject *wanted_list = PySequence_List(numbers);
    if (wanted_list == NULL) return NULL;
    Py_ssize_t count = PyList_GET_SIZE(wanted_list);
    uint64_t highest = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        unsigned long long value = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(wanted_list, i));
        if (value == (unsigned long long)-1 && PyErr_Occurred()) {
            Py_DECREF(wanted_list);
            return NULL;
        }
        if (value > highest) highest = value;
    }
    /* A bit per number up to the highest asked about (the archive's symbols: a few hundred thousand). */
    size_t words = count ? (size_t)(highest / 64) + 1 : 0;
    uint64_t *bits = calloc(words ? words : 1, sizeof(uint64_t));
    if (bits == NULL) {
        Py_DECREF(wanted_list);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        uint64_t value = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(wanted_list, i));
        bits[value / 64] |= (uint64_t)1 << (value % 64);
    }
    Py_DECREF(wanted_list);
    Py_ssize_t total = PyList_GET_SIZE(records);
    PyObject *result = PyList_New(total);
    if (result == NULL) {
        free(bits);
        return NULL;
    }
    for (Py_ssize_t r = 0; r < total; r++) {
        Py_buffer view;
        if (PyObject_GetBuffer(PyList_GET_ITEM(records, r), &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
            free(bits);
            Py_DECREF(result);
            return NULL;
        }
        const char *format = view.format ? view.format : "B";
        if (format[0] == '@' || format[0] == '=') format++;  /* native order */
        if (format[0] == '\0' || strchr("BHILQ", format[0]) == NULL || format[1] != '\0' ||
            (view.itemsize != 1 && view.itemsize != 2 && view.itemsize != 4 && view.itemsize != 8)) {
            PyErr_Format(PyExc_TypeError, "a record must hold unsigned integers, not items of format '%s'",
                         view.format ? view.format : "B");
            PyBuffer_Release(&view);
            free(bits);
            Py_DECREF(result);
            return NULL;
        }
        Py_ssize_t length = view.len / view.itemsize;
        int found = 0;
        for (Py_ssize_t i = 0; i < length && !found; i++) {
            uint64_t value = item_at(view.buf, view.itemsize, i);
            found = value <= highest && count && (bits[value / 64] >> (value % 64)) & 1;
        }
        PyBuffer_Release(&view);
        PyObject *answer = found ? Py_True : Py_False;
        Py_INCREF(answer);
        PyList_SET_ITEM(result, r, answer);
    }
    free(bits);
    return result;
}

static PyMethodDef methods[] = {
    {"holding_any", holding_any, METH_VARARGS, "For each record, whether it holds any of the numbers (symbols.holding_any)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_symbols", "symbols.holding_any compiled (see symbols.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__symbols(void) {
    return PyModule_Create(&module);
}
