/* The hot loops of pagefind_bundle.py, compiled: reading, cutting and joining Pagefind's lists of postings.
 *
 * A bundle holds a posting per word per page, and the index stage reads every one of them several
 * times (decoding each piece, putting its pages in URL order, cutting kept pieces and joining them
 * into a part, bounding the scores of the first pages of results): in Python that was most of the
 * stage's CPU. Each function
 * here gives exactly what the Python function of the same name in pagefind_bundle.py gives, which
 * stays the reference (used where this module is not built): tests/unit/test_pagefind_bundle.py runs
 * its tests with both, tests/test_search_index.py compares them on the Pagefind binary's own bundle.
 * Errors are ValueError, as there.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WEIGHT 25
#define MAX_FIELDS 63

typedef struct {
    const uint8_t *data;
    Py_ssize_t size;
} Bytes;

static int truncated(void) {
    PyErr_SetString(PyExc_ValueError, "truncated CBOR");
    return -1;
}

/* A CBOR head at *i: its major type and argument; *i moves past it. */
static int read_head(const Bytes *b, Py_ssize_t *i, int *major, uint64_t *arg) {
    if (*i >= b->size) return truncated();
    uint8_t first = b->data[*i];
    int info = first & 31;
    *major = first >> 5;
    *i += 1;
    if (info < 24) {
        *arg = (uint64_t)info;
        return 0;
    }
    int width;
    switch (info) {
        case 24: width = 1; break;
        case 25: width = 2; break;
        case 26: width = 4; break;
        case 27: width = 8; break;
        default:
            PyErr_SetString(PyExc_ValueError, "indefinite or reserved CBOR length");
            return -1;
    }
    if (*i + width > b->size) return truncated();
    uint64_t value = 0;
    for (int k = 0; k < width; k++) value = (value << 8) | b->data[*i + k];
    *arg = value;
    *i += width;
    return 0;
}

/* Bytes taken by an integer item, by its first byte (as pagefind_bundle._WIDTH). */
static int item_width(uint8_t first) {
    switch (first & 31) {
        case 24: return 2;
        case 25: return 3;
        case 26: return 5;
        case 27: return 9;
        default: return 1;
    }
}

static int byte_at(const Bytes *b, Py_ssize_t i, uint8_t *out) {
    if (i < 0 || i >= b->size) return truncated();
    *out = b->data[i];
    return 0;
}

/* Skip an array of integers at *i (a posting's locations or meta locations). */
static int skip_integers(const Bytes *b, Py_ssize_t *i) {
    uint8_t first;
    if (byte_at(b, *i, &first) < 0) return -1;
    uint64_t length;
    int length_small = (int)first - 0x80;
    if (length_small >= 0 && length_small < 24) {
        length = (uint64_t)length_small;
        *i += 1;
    } else {
        int major;
        if (read_head(b, i, &major, &length) < 0) return -1;
    }
    while (length) {
        if (byte_at(b, *i, &first) < 0) return -1;
        *i += item_width(first);
        length--;
    }
    return 0;
}

/* A posting's page difference, after its 3-array head at i: *i moves past it. */
static int page_difference(const Bytes *b, Py_ssize_t *i, uint64_t *difference) {
    uint8_t byte;
    if (byte_at(b, *i + 1, &byte) < 0) return -1;
    if (byte < 24) {
        *difference = byte;
        *i += 2;
    } else if (byte == 24) {
        if (byte_at(b, *i + 2, &byte) < 0) return -1;
        *difference = byte;
        *i += 3;
    } else {
        int major;
        *i += 1;
        if (read_head(b, i, &major, difference) < 0) return -1;
    }
    return 0;
}

/* As pagefind_bundle._postings: ((count, first page, bytes after it, last page), end). */
static PyObject *postings_at(const Bytes *b, Py_ssize_t *i) {
    int major;
    uint64_t count;
    if (read_head(b, i, &major, &count) < 0) return NULL;
    uint64_t last = 0, first = 0;
    Py_ssize_t rest = *i;
    for (uint64_t number = 0; number < count; number++) {
        uint8_t byte;
        if (byte_at(b, *i, &byte) < 0) return NULL;
        if (byte != 0x83) {
            PyErr_SetString(PyExc_ValueError, "a posting is not a 3-array");
            return NULL;
        }
        uint64_t page;
        if (page_difference(b, i, &page) < 0) return NULL;
        last += page;
        if (!number) {
            first = page;
            rest = *i;
        }
        if (skip_integers(b, i) < 0) return NULL;
        if (byte_at(b, *i, &byte) < 0) return NULL;
        if (byte == 0x80) {
            *i += 1;
            continue;
        }
        if (skip_integers(b, i) < 0) return NULL;
    }
    return Py_BuildValue("(KKy#K)", (unsigned long long)count, (unsigned long long)first,
                         (const char *)b->data + rest, (Py_ssize_t)(*i - rest), (unsigned long long)last);
}

/* A head counting the bytes or items that follow: more of them than bytes left is damage. */
static int read_length(const Bytes *b, Py_ssize_t *i, uint64_t *length) {
    int major;
    if (read_head(b, i, &major, length) < 0) return -1;
    if (*length > (uint64_t)(b->size - *i)) return truncated();
    return 0;
}

static PyObject *text_at(const Bytes *b, Py_ssize_t *i) {
    uint64_t length;
    if (read_length(b, i, &length) < 0) return NULL;
    PyObject *text = PyBytes_FromStringAndSize((const char *)b->data + *i, (Py_ssize_t)length);
    *i += (Py_ssize_t)length;
    return text;
}

/* An array's head (`head`, else ValueError `refused`), then a text and a list of postings, as a
 * word entry and each of its variants start: *text and *postings are new references. */
static int text_and_postings(const Bytes *b, Py_ssize_t *i, uint8_t head, const char *refused, PyObject **text,
                             PyObject **postings) {
    uint8_t byte;
    if (byte_at(b, *i, &byte) < 0) return -1;
    if (byte != head) {
        PyErr_SetString(PyExc_ValueError, refused);
        return -1;
    }
    *i += 1;
    *text = text_at(b, i);
    if (*text == NULL) return -1;
    *postings = postings_at(b, i);
    if (*postings == NULL) {
        Py_CLEAR(*text);
        return -1;
    }
    return 0;
}

/* As pagefind_bundle.word_at, without the tuple of the end: (word, postings, ((variant, postings), ...)). */
static PyObject *word_entry(const Bytes *b, Py_ssize_t *i) {
    PyObject *word, *postings, *variants = NULL;
    if (text_and_postings(b, i, 0x83, "a word entry is not a 3-array", &word, &postings) < 0) return NULL;
    uint64_t count;
    if (read_length(b, i, &count) < 0) goto fail;
    variants = PyTuple_New((Py_ssize_t)count);
    if (variants == NULL) goto fail;
    for (uint64_t k = 0; k < count; k++) {
        PyObject *variant, *found;
        if (text_and_postings(b, i, 0x82, "a variant is not a 2-array", &variant, &found) < 0) goto fail;
        PyObject *pair = PyTuple_Pack(2, variant, found);
        Py_DECREF(variant);
        Py_DECREF(found);
        if (pair == NULL) goto fail;
        PyTuple_SET_ITEM(variants, (Py_ssize_t)k, pair);
    }
    PyObject *entry = PyTuple_Pack(3, word, postings, variants);
    Py_DECREF(word);
    Py_DECREF(postings);
    Py_DECREF(variants);
    return entry;
fail:
    Py_DECREF(word);
    Py_DECREF(postings);
    Py_XDECREF(variants);
    return NULL;
}

static PyObject *word_at(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "y*n", &view, &i)) return NULL;
    Bytes b = {view.buf, view.len};
    PyObject *entry = word_entry(&b, &i);
    PyBuffer_Release(&view);
    if (entry == NULL) return NULL;
    return Py_BuildValue("(Nn)", entry, i);
}

static PyObject *chunk_words(PyObject *self, PyObject *args) {
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*", &view)) return NULL;
    Bytes b = {view.buf, view.len};
    PyObject *words = NULL;
    if (b.size < 1 || b.data[0] != 0x81) {
        PyErr_SetString(PyExc_ValueError, "an index chunk is not a 1-array");
        goto done;
    }
    Py_ssize_t i = 1;
    uint64_t count;
    if (read_length(&b, &i, &count) < 0) goto done;
    words = PyList_New((Py_ssize_t)count);
    if (words == NULL) goto done;
    for (uint64_t k = 0; k < count; k++) {
        PyObject *entry = word_entry(&b, &i);
        if (entry == NULL) {
            Py_CLEAR(words);
            goto done;
        }
        PyList_SET_ITEM(words, (Py_ssize_t)k, entry);
    }
    if (i != b.size) {
        PyErr_SetString(PyExc_ValueError, "trailing bytes");
        Py_CLEAR(words);
    }
done:
    PyBuffer_Release(&view);
    return words;
}

/* The parts of a Postings tuple. */
typedef struct {
    uint64_t count;
    uint64_t first;
    PyObject *data;  /* borrowed: the tuple holds it */
    Bytes bytes;
} Listed;

static int unpack_postings(PyObject *postings, Listed *listed) {
    if (!PyTuple_Check(postings) || PyTuple_GET_SIZE(postings) != 4) {
        PyErr_SetString(PyExc_TypeError, "postings are a tuple of 4");
        return -1;
    }
    listed->count = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(postings, 0));
    if (PyErr_Occurred()) return -1;
    listed->first = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(postings, 1));
    if (PyErr_Occurred()) return -1;
    listed->data = PyTuple_GET_ITEM(postings, 2);
    if (!PyBytes_Check(listed->data)) {
        PyErr_SetString(PyExc_TypeError, "the postings' data are bytes");
        return -1;
    }
    listed->bytes.data = (const uint8_t *)PyBytes_AS_STRING(listed->data);
    listed->bytes.size = PyBytes_GET_SIZE(listed->data);
    return 0;
}

typedef struct {
    uint64_t page;
    Py_ssize_t start;
    Py_ssize_t end;
} Walked;

/* The postings' (page, start, end), as pagefind_bundle._walk; a stop at `stop` gives end -1.
 * Returns how many were walked (into *found, to be freed), or -1. */
static Py_ssize_t walk_postings(const Listed *listed, uint64_t stop, Walked **found) {
    if (listed->count > (uint64_t)listed->bytes.size + 1) {  /* each posting takes a byte or more */
        truncated();
        return -1;
    }
    Walked *walked = PyMem_Malloc(sizeof(Walked) * (listed->count ? (size_t)listed->count : 1));
    if (walked == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    const Bytes *b = &listed->bytes;
    Py_ssize_t i = 0, n = 0;
    uint64_t page = listed->first;
    for (uint64_t number = 0; number < listed->count; number++) {
        if (number) {
            uint64_t difference;
            if (page_difference(b, &i, &difference) < 0) goto fail;
            page += difference;
        }
        Py_ssize_t start = i;
        if (page >= stop) {
            walked[n++] = (Walked){page, start, -1};
            break;
        }
        if (skip_integers(b, &i) < 0 || skip_integers(b, &i) < 0) goto fail;
        walked[n++] = (Walked){page, start, i};
    }
    *found = walked;
    return n;
fail:
    PyMem_Free(walked);
    return -1;
}

static PyObject *walk(PyObject *self, PyObject *args) {
    PyObject *postings;
    unsigned long long stop = 1ULL << 62;
    if (!PyArg_ParseTuple(args, "O|K", &postings, &stop)) return NULL;
    Listed listed;
    if (unpack_postings(postings, &listed) < 0) return NULL;
    Walked *walked;
    Py_ssize_t n = walk_postings(&listed, stop, &walked);
    if (n < 0) return NULL;
    PyObject *found = PyList_New(n);
    if (found != NULL) {
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *item = Py_BuildValue("(Knn)", (unsigned long long)walked[k].page, walked[k].start, walked[k].end);
            if (item == NULL) {
                Py_CLEAR(found);
                break;
            }
            PyList_SET_ITEM(found, k, item);
        }
    }
    PyMem_Free(walked);
    return found;
}

static int by_page(const void *a, const void *b) {
    const Walked *x = a, *y = b;
    if (x->page != y->page) return x->page < y->page ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static Py_ssize_t put_head(uint8_t *out, int major, uint64_t arg) {
    uint8_t kind = (uint8_t)(major << 5);
    if (arg < 24) {
        out[0] = kind | (uint8_t)arg;
        return 1;
    }
    int width = arg < 0x100 ? 1 : arg < 0x10000 ? 2 : arg < 0x100000000ULL ? 4 : 8;
    out[0] = kind | (uint8_t)(width == 1 ? 24 : width == 2 ? 25 : width == 4 ? 26 : 27);
    for (int k = 0; k < width; k++) out[1 + k] = (uint8_t)(arg >> (8 * (width - 1 - k)));
    return 1 + width;
}

/* The postings with page p renumbered numbers[p] (a list), in the new order. */
static PyObject *renumber(PyObject *postings, PyObject *numbers) {
    Listed listed;
    if (unpack_postings(postings, &listed) < 0) return NULL;
    if (listed.count == 0) {
        Py_INCREF(postings);
        return postings;
    }
    Py_ssize_t pages = PyList_GET_SIZE(numbers);
    if (listed.count == 1) {
        if (listed.first >= (uint64_t)pages) {
            PyErr_SetString(PyExc_IndexError, "a page past the numbers");
            return NULL;
        }
        PyObject *number = PyList_GET_ITEM(numbers, (Py_ssize_t)listed.first);
        return Py_BuildValue("(iOOO)", 1, number, listed.data, number);
    }
    Walked *walked;
    Py_ssize_t n = walk_postings(&listed, 1ULL << 62, &walked);
    if (n < 0) return NULL;
    PyObject *result = NULL;
    Py_ssize_t size = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (walked[k].page >= (uint64_t)pages) {
            PyErr_SetString(PyExc_IndexError, "a page past the numbers");
            goto done;
        }
        walked[k].page = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(numbers, (Py_ssize_t)walked[k].page));
        if (PyErr_Occurred()) goto done;
        size += walked[k].end - walked[k].start + 10;
    }
    qsort(walked, (size_t)n, sizeof(Walked), by_page);
    PyObject *data = PyBytes_FromStringAndSize(NULL, size);
    if (data == NULL) goto done;
    uint8_t *out = (uint8_t *)PyBytes_AS_STRING(data);
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (k) {
            out[at++] = 0x83;
            at += put_head(out + at, 0, walked[k].page - walked[k - 1].page);
        }
        Py_ssize_t length = walked[k].end - walked[k].start;
        memcpy(out + at, listed.bytes.data + walked[k].start, (size_t)length);
        at += length;
    }
    if (_PyBytes_Resize(&data, at) < 0) goto done;
    result = Py_BuildValue("(nKNK)", n, (unsigned long long)walked[0].page, data,
                           (unsigned long long)walked[n - 1].page);
done:
    PyMem_Free(walked);
    return result;
}

/* A list's item as a C long (its pages and their new numbers are below 2^62). */
static int long_at(PyObject *list, uint64_t index, long long *out) {
    if (index >= (uint64_t)PyList_GET_SIZE(list)) {
        PyErr_SetString(PyExc_IndexError, "a page past the list");
        return -1;
    }
    *out = PyLong_AsLongLong(PyList_GET_ITEM(list, (Py_ssize_t)index));
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

/* A cut: (count, first page, start, end, last page) of one run's postings. */
typedef struct {
    uint64_t count;
    uint64_t first;
    Py_ssize_t start;
    Py_ssize_t end;
    uint64_t last;
} Cut;

/* As pagefind_bundle._cut: the postings of the pages kept, one list per run, each with the number
 * of the run's pages in the merged bundle minus their number here. */
static PyObject *cut(PyObject *self, PyObject *args) {
    PyObject *postings, *numbers, *runs;
    int whole;
    unsigned long long tail;
    if (!PyArg_ParseTuple(args, "OO!O!pK", &postings, &PyList_Type, &numbers, &PyList_Type, &runs, &whole, &tail))
        return NULL;
    Listed listed;
    if (unpack_postings(postings, &listed) < 0) return NULL;
    if (!listed.count) return PyList_New(0);
    uint64_t last = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(postings, 3));
    if (PyErr_Occurred()) return NULL;
    long long first_run, last_run, number;
    if (long_at(runs, listed.first, &first_run) < 0 || long_at(runs, last, &last_run) < 0) return NULL;
    if (whole || (first_run == last_run && first_run >= 0)) {
        if (long_at(numbers, listed.first, &number) < 0) return NULL;
        return Py_BuildValue("[(OL)]", postings, number - (long long)listed.first);
    }
    Walked *walked;
    Py_ssize_t n = walk_postings(&listed, tail, &walked);
    if (n < 0) return NULL;
    PyObject *result = NULL;
    Cut *cuts = PyMem_Malloc(sizeof(Cut) * (size_t)(n ? n : 1));
    if (cuts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t made = 0;
    long long run = -1;
    int open = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        long long own;
        if (long_at(runs, walked[k].page, &own) < 0) goto done;
        if (own != run) {
            if (open) made++;
            run = own;
            open = run >= 0;
            if (open) cuts[made] = (Cut){0, walked[k].page, walked[k].start, walked[k].end, walked[k].page};
        }
        if (open) {
            cuts[made].count++;
            cuts[made].end = walked[k].end;
            cuts[made].last = walked[k].page;
        }
    }
    if (open) made++;
    if (n && walked[n - 1].end < 0) {  /* the rest of the postings, in the last run */
        if (!made) {
            PyErr_SetString(PyExc_ValueError, "postings past the tail outside any run");
            goto done;
        }
        cuts[made - 1].count += listed.count - (uint64_t)n;
        cuts[made - 1].end = listed.bytes.size;
        cuts[made - 1].last = last;
    }
    result = PyList_New(made);
    if (result == NULL) goto done;
    for (Py_ssize_t k = 0; k < made; k++) {
        if (long_at(numbers, cuts[k].first, &number) < 0) {
            Py_CLEAR(result);
            goto done;
        }
        PyObject *data = cuts[k].start == 0 && cuts[k].end == listed.bytes.size ? Py_NewRef(listed.data) :
            PyBytes_FromStringAndSize((const char *)listed.bytes.data + cuts[k].start, cuts[k].end - cuts[k].start);
        PyObject *item = data == NULL ? NULL :
            Py_BuildValue("((KKNK)L)", (unsigned long long)cuts[k].count, (unsigned long long)cuts[k].first, data,
                          (unsigned long long)cuts[k].last, number - (long long)cuts[k].first);
        if (item == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, item);
    }
done:
    PyMem_Free(cuts);
    PyMem_Free(walked);
    return result;
}

/* As pagefind_bundle._merged_postings: the CBOR of one list of postings made of the lists given
 * (each with the number of its bundle's first page), in page order. */
static PyObject *merged_postings(PyObject *self, PyObject *args) {
    PyObject *found;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &found)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(found), size = 9;
    uint64_t total = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyList_GET_ITEM(found, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyErr_SetString(PyExc_TypeError, "each list is a (postings, offset) pair");
            return NULL;
        }
        Listed listed;
        if (unpack_postings(PyTuple_GET_ITEM(item, 0), &listed) < 0) return NULL;
        size += listed.bytes.size + 10;
        total += listed.count;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, size);
    if (result == NULL) return NULL;
    uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
    Py_ssize_t at = put_head(out, 4, total);
    long long last = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PyList_GET_ITEM(found, k), *postings = PyTuple_GET_ITEM(item, 0);
        Listed listed;
        unpack_postings(postings, &listed);  /* (checked above) */
        if (!listed.count) continue;
        long long offset = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 1));
        long long last_page = PyLong_AsLongLong(PyTuple_GET_ITEM(postings, 3));
        if (PyErr_Occurred()) goto fail;
        long long delta = offset + (long long)listed.first - last;
        if (delta < 0) {
            PyErr_SetString(PyExc_ValueError, "postings not in page order");
            goto fail;
        }
        out[at++] = 0x83;
        at += put_head(out + at, 0, (uint64_t)delta);
        memcpy(out + at, listed.bytes.data, (size_t)listed.bytes.size);
        at += listed.bytes.size;
        last = offset + last_page;
    }
    if (_PyBytes_Resize(&result, at) < 0) return NULL;
    return result;
fail:
    Py_DECREF(result);
    return NULL;
}

/* As pagefind_bundle._renumbered_pages. */
static PyObject *renumbered_pages(PyObject *self, PyObject *args) {
    PyObject *postings, *numbers;
    if (!PyArg_ParseTuple(args, "OO!", &postings, &PyList_Type, &numbers)) return NULL;
    return renumber(postings, numbers);
}

/* As pagefind_bundle._renumbered_words: each word's postings and its variants' renumbered. */
static PyObject *renumbered_words(PyObject *self, PyObject *args) {
    PyObject *words, *numbers;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &words, &PyList_Type, &numbers)) return NULL;
    Py_ssize_t count = PyList_GET_SIZE(words);
    PyObject *found = PyList_New(count);
    if (found == NULL) return NULL;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyList_GET_ITEM(words, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(item, 2))) {
            PyErr_SetString(PyExc_TypeError, "a word is a tuple (word, postings, variants)");
            goto fail;
        }
        PyObject *variants = PyTuple_GET_ITEM(item, 2);
        Py_ssize_t held = PyTuple_GET_SIZE(variants);
        PyObject *renumbered = PyTuple_New(held);
        if (renumbered == NULL) goto fail;
        for (Py_ssize_t v = 0; v < held; v++) {
            PyObject *pair = PyTuple_GET_ITEM(variants, v);
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
                PyErr_SetString(PyExc_TypeError, "a variant is a tuple (variant, postings)");
                Py_DECREF(renumbered);
                goto fail;
            }
            PyObject *listed = renumber(PyTuple_GET_ITEM(pair, 1), numbers);
            PyObject *new_pair = listed == NULL ? NULL : PyTuple_Pack(2, PyTuple_GET_ITEM(pair, 0), listed);
            Py_XDECREF(listed);
            if (new_pair == NULL) {
                Py_DECREF(renumbered);
                goto fail;
            }
            PyTuple_SET_ITEM(renumbered, v, new_pair);
        }
        PyObject *postings = renumber(PyTuple_GET_ITEM(item, 1), numbers);
        PyObject *entry = postings == NULL ? NULL : PyTuple_Pack(3, PyTuple_GET_ITEM(item, 0), postings, renumbered);
        Py_XDECREF(postings);
        Py_DECREF(renumbered);
        if (entry == NULL) goto fail;
        PyList_SET_ITEM(found, k, entry);
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

typedef struct {
    int64_t position;
    int64_t weight;
} Location;

static int by_position(const void *a, const void *b) {
    const Location *x = a, *y = b;
    return (x->position > y->position) - (x->position < y->position);
}

static int append_integer(PyObject *list, long long value) {
    PyObject *number = PyLong_FromLongLong(value);
    if (number == NULL) return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

/* As pagefind_bundle.postings_summary: (pages, lows, highs, fields, starts). */
static PyObject *postings_summary(PyObject *self, PyObject *args) {
    PyObject *postings;
    if (!PyArg_ParseTuple(args, "O", &postings)) return NULL;
    Listed listed;
    if (unpack_postings(postings, &listed) < 0) return NULL;
    const Bytes *b = &listed.bytes;
    PyObject *lists[5] = {NULL, NULL, NULL, NULL, NULL};
    Location *locations = NULL;
    size_t capacity = 0;
    for (int k = 0; k < 5; k++) {
        if ((lists[k] = PyList_New(0)) == NULL) goto fail;
    }
    int64_t page = (int64_t)listed.first;
    Py_ssize_t i = 0;
    for (uint64_t number = 0; number < listed.count; number++) {
        if (number) {
            uint64_t difference;
            if (page_difference(b, &i, &difference) < 0) goto fail;
            page += (int64_t)difference;
        }
        Py_ssize_t start = i;
        uint8_t byte;
        if (byte_at(b, i, &byte) < 0) goto fail;
        uint64_t length;
        int small = (int)byte - 0x80;
        if (small >= 0 && small < 24) {
            length = (uint64_t)small;
            i += 1;
        } else {
            int major;
            if (read_head(b, &i, &major, &length) < 0) goto fail;
        }
        if (length > (uint64_t)b->size) {
            truncated();
            goto fail;
        }
        int64_t weight = DEFAULT_WEIGHT, total = 0, position = 0;
        size_t count = 0, runs = 0, first_run = 0;
        int again = 0;
        while (length) {
            length--;
            if (byte_at(b, i, &byte) < 0) goto fail;
            if (byte < 0x20) {  /* a location */
                if (byte < 24) {
                    if (!byte) again = 1;
                    position += byte;
                    i += 1;
                } else {
                    int major;
                    uint64_t value;
                    if (read_head(b, &i, &major, &value) < 0) goto fail;
                    position += (int64_t)value;
                }
            } else {  /* a weight */
                if (byte < 0x38) {
                    weight = byte - 0x20;
                    i += 1;
                } else {
                    int major;
                    uint64_t value;
                    if (read_head(b, &i, &major, &value) < 0) goto fail;
                    weight = value < 255 ? (int64_t)value : 255;
                }
                position = 0;
                if (!runs) first_run = count;
                runs++;
                continue;
            }
            total += weight;
            if (count == capacity) {
                size_t more = capacity ? capacity * 2 : 64;
                Location *grown = PyMem_Realloc(locations, more * sizeof(Location));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto fail;
                }
                locations = grown;
                capacity = more;
            }
            locations[count++] = (Location){position, weight};
        }
        int64_t low = total, high = total;
        if ((again || runs > 1 || (runs == 1 && first_run)) && count > 1) {
            /* A position listed twice counts once, at either of its weights: the bounds take the
             * least and the most of them (the same sums as the reference's dict when none repeats). */
            qsort(locations, count, sizeof(Location), by_position);
            low = high = 0;
            for (size_t k = 0; k < count;) {
                int64_t least = locations[k].weight, most = least;
                size_t next = k + 1;
                while (next < count && locations[next].position == locations[k].position) {
                    if (locations[next].weight < least) least = locations[next].weight;
                    if (locations[next].weight > most) most = locations[next].weight;
                    next++;
                }
                low += least;
                high += most;
                k = next;
            }
        }
        int64_t mask = 0;
        if (byte_at(b, i, &byte) < 0) goto fail;
        if (byte == 0x80) {
            i += 1;
        } else {
            int major;
            if (read_head(b, &i, &major, &length) < 0) goto fail;
            int64_t field = -1;
            while (length) {
                length--;
                if (byte_at(b, i, &byte) < 0) goto fail;
                if (byte < 24) {
                    i += 1;
                    if (field >= 0) mask |= (int64_t)1 << field;
                    continue;
                }
                uint64_t value;
                if (read_head(b, &i, &major, &value) < 0) goto fail;
                if (major == 1) {
                    if (value >= MAX_FIELDS) {
                        PyErr_Format(PyExc_ValueError, "a meta location names field %llu", (unsigned long long)value);
                        goto fail;
                    }
                    field = (int64_t)value;
                } else if (field >= 0) {
                    mask |= (int64_t)1 << field;
                }
            }
        }
        if (append_integer(lists[0], page) < 0 || append_integer(lists[1], low) < 0
            || append_integer(lists[2], high) < 0 || append_integer(lists[3], mask) < 0
            || append_integer(lists[4], start) < 0) goto fail;
    }
    PyMem_Free(locations);
    return Py_BuildValue("(NNNNN)", lists[0], lists[1], lists[2], lists[3], lists[4]);
fail:
    PyMem_Free(locations);
    for (int k = 0; k < 5; k++) Py_XDECREF(lists[k]);
    return NULL;
}

static PyMethodDef methods[] = {
    {"chunk_words", chunk_words, METH_VARARGS, "The words of an index chunk (pagefind_bundle.chunk_words)."},
    {"word_at", word_at, METH_VARARGS, "The word entry at an offset, and where the next starts."},
    {"walk", walk, METH_VARARGS, "(page, start, end) of each posting (pagefind_bundle._walk)."},
    {"renumbered_pages", renumbered_pages, METH_VARARGS, "Postings with their pages renumbered."},
    {"renumbered_words", renumbered_words, METH_VARARGS, "Every word's postings with their pages renumbered."},
    {"cut", cut, METH_VARARGS, "One list of postings per run of the pages kept (pagefind_bundle._cut)."},
    {"merged_postings", merged_postings, METH_VARARGS, "The CBOR of lists of postings made one."},
    {"postings_summary", postings_summary, METH_VARARGS, "Each posting's page, bounds, fields and start."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_postings", "Pagefind's postings read in C (see pagefind_bundle.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__postings(void) {
    return PyModule_Create(&module);
}
