/* vectors.dot, compiled: the dot product of two sparse term vectors (dicts of term -> weight).
 *
 * The linking computes 1.2 million of them for the 31k archive (each report against the events it
 * may join, then each event against its nearby events), in the linking process that every later
 * stage of a full build waits for. The Python version in vectors.py stays the reference (used
 * where this module is not built) and gives the same floats: the products are added in the first
 * vector's order, one after another in doubles (tests/unit/test_vectors.py runs both).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *dot(PyObject *self, PyObject *args) {
    PyObject *vector, *other;
    if (!PyArg_ParseTuple(args, "O!O!", &PyDict_Type, &vector, &PyDict_Type, &other)) return NULL;
    Py_ssize_t position = 0;
    PyObject *term, *weight;
    double total = 0.0;
    while (PyDict_Next(vector, &position, &term, &weight)) {
        PyObject *other_weight = PyDict_GetItemWithError(other, term);  /* borrowed */
        if (other_weight == NULL) {
            if (PyErr_Occurred()) return NULL;
            continue;
        }
        double x, y;
        if (PyFloat_CheckExact(weight) && PyFloat_CheckExact(other_weight)) {
            x = PyFloat_AS_DOUBLE(weight);
            y = PyFloat_AS_DOUBLE(other_weight);
        } else {  /* a conversion may run Python code that changes the vectors: their values held meanwhile */
            Py_INCREF(weight);
            Py_INCREF(other_weight);
            x = PyFloat_AsDouble(weight);
            y = (x == -1.0 && PyErr_Occurred()) ? -1.0 : PyFloat_AsDouble(other_weight);
            Py_DECREF(weight);
            Py_DECREF(other_weight);
            if (PyErr_Occurred()) return NULL;
        }
        total += x * y;
    }
    return PyFloat_FromDouble(total);
}

static PyMethodDef methods[] = {
    {"dot", dot, METH_VARARGS, "The dot product of two sparse vectors (vectors.dot)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_vectors", "vectors.dot compiled (see vectors.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__vectors(void) {
    return PyModule_Create(&module);
}
