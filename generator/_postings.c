/* The hot loops of pagefind_bundle.py, compiled: reading, cutting and joining Pagefind's postings.
 *
 * A bundle holds a posting per word per page, and the index stage reads every one of them several
 * times (decoding each piece, putting its pages in URL order, cutting kept pieces and joining them
 * into a part, bounding the scores of the first pages of results): in Python that was most of the
 * stage's CPU. Each function here gives exactly what the Python function of the same name in
 * pagefind_bundle.py gives, which stays the reference (used where this module is not built):
 * tests/unit/test_pagefind_bundle.py runs its tests with both, tests/test_search_index.py compares
 * them on the Pagefind binary's own bundle. Errors are ValueError, as there (IndexError for a page
 * past a merge's place, TypeError for arguments of the wrong kind). `contenders` is
 * pagefind_ranking.PartRanking.contenders's numpy, compiled the same way (tests/test_pagefind_ranking.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
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

/* Where a bundle's pages go in a merge (pagefind_bundle._Placed): each page's new number (-1: left
 * out) and run (-1: left out), whether it is one run of every page, and the first page of its tail. */
typedef struct {
    long long *numbers;
    long long *runs;
    Py_ssize_t pages;
    int whole;
    uint64_t tail;
} Place;

static int list_to_longs(PyObject *list, long long **out) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    long long *values = PyMem_Malloc(sizeof(long long) * (size_t)(n ? n : 1));
    if (values == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        values[k] = PyLong_AsLongLong(PyList_GET_ITEM(list, k));
        if (values[k] == -1 && PyErr_Occurred()) {
            PyMem_Free(values);
            return -1;
        }
    }
    *out = values;
    return 0;
}

/* A place from (numbers, runs, whole, tail), as write_merged passes it. */
static int read_place(PyObject *given, Place *place) {
    place->numbers = place->runs = NULL;
    PyObject *numbers, *runs;
    int whole;
    unsigned long long tail;
    if (!PyTuple_Check(given)) {
        PyErr_SetString(PyExc_TypeError, "a place is a (numbers, runs, whole, tail) tuple");
        return -1;
    }
    if (!PyArg_ParseTuple(given, "O!O!pK", &PyList_Type, &numbers, &PyList_Type, &runs, &whole, &tail)) return -1;
    if (PyList_GET_SIZE(numbers) != PyList_GET_SIZE(runs)) {
        PyErr_SetString(PyExc_ValueError, "a place's numbers and runs differ in length");
        return -1;
    }
    if (list_to_longs(numbers, &place->numbers) < 0) return -1;
    if (list_to_longs(runs, &place->runs) < 0) {
        PyMem_Free(place->numbers);
        place->numbers = NULL;
        return -1;
    }
    place->pages = PyList_GET_SIZE(numbers);
    place->whole = whole;
    place->tail = tail;
    return 0;
}

/* One run's postings, its pages numbered as in the merged bundle: a slice of a list's data. A
 * variant's pieces carry its name. */
typedef struct {
    uint64_t count;
    long long first;
    long long last;
    const uint8_t *data;
    Py_ssize_t size;
    const uint8_t *name;
    Py_ssize_t name_size;
} Piece;

typedef struct {
    Piece *items;
    Py_ssize_t n;
    Py_ssize_t capacity;
} Pieces;

static int push_piece(Pieces *pieces, Piece piece) {
    if (pieces->n == pieces->capacity) {
        Py_ssize_t capacity = pieces->capacity ? 2 * pieces->capacity : 16;
        Piece *grown = PyMem_Realloc(pieces->items, sizeof(Piece) * (size_t)capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        pieces->items = grown;
        pieces->capacity = capacity;
    }
    pieces->items[pieces->n++] = piece;
    return 0;
}

static int page_index(const Place *place, uint64_t page) {
    if (page >= (uint64_t)place->pages) {
        PyErr_SetString(PyExc_IndexError, "a page past the bundle's pages");
        return -1;
    }
    return 0;
}

/* As pagefind_bundle._cut: the postings (a Postings tuple) of the pages kept, one piece per run,
 * appended to `pieces` under the name given (a variant's, or none). */
static int cut_into(PyObject *postings, const Place *place, const uint8_t *name, Py_ssize_t name_size,
                    Pieces *pieces) {
    Listed listed;
    if (unpack_postings(postings, &listed) < 0) return -1;
    if (!listed.count) return 0;
    uint64_t last = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(postings, 3));
    if (PyErr_Occurred() || page_index(place, listed.first) < 0 || page_index(place, last) < 0) return -1;
    long long first_run = place->runs[listed.first], last_run = place->runs[last];
    if (place->whole || (first_run == last_run && first_run >= 0)) {
        long long offset = place->numbers[listed.first] - (long long)listed.first;
        return push_piece(pieces, (Piece){listed.count, (long long)listed.first + offset, (long long)last + offset,
                                          listed.bytes.data, listed.bytes.size, name, name_size});
    }
    Walked *walked;
    Py_ssize_t n = walk_postings(&listed, place->tail, &walked);
    if (n < 0) return -1;
    /* the run being gathered: its count, first and last page (here), and where its data starts and ends */
    uint64_t count = 0, run_first = 0, run_last = 0;
    Py_ssize_t start = 0, end = 0;
    long long run = -1;
    int open = 0, failed = 0;
    for (Py_ssize_t k = 0; k <= n && !failed; k++) {
        int closing = k == n;
        long long own = 0;
        if (!closing) {
            if (page_index(place, walked[k].page) < 0) {
                failed = 1;
                break;
            }
            own = place->runs[walked[k].page];
            closing = own != run;
        }
        if (closing && open) {
            if (k == n && walked[n - 1].end < 0) {  /* the rest of the postings, in the last run */
                count += listed.count - (uint64_t)n;
                end = listed.bytes.size;
                run_last = last;
            }
            long long offset = place->numbers[run_first] - (long long)run_first;
            failed = push_piece(pieces, (Piece){count, (long long)run_first + offset, (long long)run_last + offset,
                                                listed.bytes.data + start, end - start, name, name_size}) < 0;
            open = 0;
        }
        if (k == n || failed) break;
        if (own != run) {
            run = own;
            open = run >= 0;
            count = 0;
            run_first = walked[k].page;
            start = walked[k].start;
        }
        if (open) {
            count++;
            end = walked[k].end;
            run_last = walked[k].page;
        }
    }
    if (!failed && n && walked[n - 1].end < 0 && place->runs[walked[n - 1].page] < 0) {
        PyErr_SetString(PyExc_ValueError, "postings past the tail outside any run");
        failed = 1;
    }
    PyMem_Free(walked);
    return failed ? -1 : 0;
}

/* Bytes in Python's order: byte by byte, a prefix first. */
static int compare_words(const uint8_t *a, Py_ssize_t a_size, const uint8_t *b, Py_ssize_t b_size) {
    Py_ssize_t shorter = a_size < b_size ? a_size : b_size;
    int order = shorter ? memcmp(a, b, (size_t)shorter) : 0;
    return order ? order : (a_size > b_size) - (a_size < b_size);
}

static int by_name_then_page(const void *a, const void *b) {
    const Piece *x = a, *y = b;
    int order = compare_words(x->name, x->name_size, y->name, y->name_size);
    return order ? order : (x->first > y->first) - (x->first < y->first);
}

typedef struct {
    uint8_t *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Buffer;

static uint8_t *reserve(Buffer *buffer, Py_ssize_t more) {
    if (buffer->size + more > buffer->capacity) {
        Py_ssize_t capacity = buffer->capacity ? buffer->capacity : 256;
        while (capacity < buffer->size + more) capacity *= 2;
        uint8_t *grown = PyMem_Realloc(buffer->data, (size_t)capacity);
        if (grown == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    return buffer->data + buffer->size;
}

static int put_text(Buffer *buffer, uint8_t kind, const uint8_t *text, Py_ssize_t size) {
    uint8_t *out = reserve(buffer, size + 10);
    if (out == NULL) return -1;
    out[0] = kind;
    Py_ssize_t at = 1 + put_head(out + 1, 3, (uint64_t)size);
    memcpy(out + at, text, (size_t)size);
    buffer->size += at + size;
    return 0;
}

/* As pagefind_bundle._merged_postings: the pieces (in page order) as one list of postings. */
static int put_postings(Buffer *buffer, const Piece *pieces, Py_ssize_t n) {
    uint64_t total = 0;
    Py_ssize_t size = 9;
    for (Py_ssize_t k = 0; k < n; k++) {
        total += pieces[k].count;
        size += pieces[k].size + 10;
    }
    uint8_t *out = reserve(buffer, size);
    if (out == NULL) return -1;
    Py_ssize_t at = put_head(out, 4, total);
    long long last = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        long long delta = pieces[k].first - last;
        if (delta < 0) {
            PyErr_SetString(PyExc_ValueError, "postings not in page order");
            return -1;
        }
        out[at++] = 0x83;
        at += put_head(out + at, 0, (uint64_t)delta);
        memcpy(out + at, pieces[k].data, (size_t)pieces[k].size);
        at += pieces[k].size;
        last = pieces[k].last;
    }
    buffer->size += at;
    return 0;
}

static int word_of(PyObject *item, const uint8_t **word, Py_ssize_t *size) {
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 || !PyBytes_Check(PyTuple_GET_ITEM(item, 0))
            || !PyTuple_Check(PyTuple_GET_ITEM(item, 2))) {
        PyErr_SetString(PyExc_TypeError, "a word is a (bytes, postings, variants) tuple");
        return -1;
    }
    *word = (const uint8_t *)PyBytes_AS_STRING(PyTuple_GET_ITEM(item, 0));
    *size = PyBytes_GET_SIZE(PyTuple_GET_ITEM(item, 0));
    return 0;
}

/* As pagefind_bundle._merged_entries: each bundle's words (a list in byte order) cut by its place
 * and joined, word by word in byte order: (word, the CBOR of its entry) for each word with a posting
 * left. */
static PyObject *merged_entries(PyObject *self, PyObject *args) {
    PyObject *lists, *places;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &lists, &PyList_Type, &places)) return NULL;
    Py_ssize_t k_lists = PyList_GET_SIZE(lists);
    if (PyList_GET_SIZE(places) != k_lists) {
        PyErr_SetString(PyExc_ValueError, "as many places as lists of words");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < k_lists; k++) {
        if (!PyList_Check(PyList_GET_ITEM(lists, k))) {
            PyErr_SetString(PyExc_TypeError, "each bundle's words are a list");
            return NULL;
        }
    }
    PyObject *result = NULL;
    Place *place = PyMem_Calloc((size_t)(k_lists ? k_lists : 1), sizeof(Place));
    Py_ssize_t *at = PyMem_Calloc((size_t)(k_lists ? k_lists : 1), sizeof(Py_ssize_t));
    Py_ssize_t *taken = PyMem_Calloc((size_t)(k_lists ? k_lists : 1), sizeof(Py_ssize_t));
    Pieces pieces = {NULL, 0, 0}, variants = {NULL, 0, 0};
    Buffer buffer = {NULL, 0, 0};
    if (place == NULL || at == NULL || taken == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < k_lists; k++) {
        if (read_place(PyList_GET_ITEM(places, k), &place[k]) < 0) goto done;
    }
    result = PyList_New(0);
    if (result == NULL) goto done;
    for (;;) {
        /* the least word at the head of the lists, and the lists it heads */
        const uint8_t *word = NULL;
        Py_ssize_t word_size = 0, n_taken = 0;
        PyObject *word_object = NULL;
        for (Py_ssize_t k = 0; k < k_lists; k++) {
            PyObject *list = PyList_GET_ITEM(lists, k);
            if (at[k] >= PyList_GET_SIZE(list)) continue;
            const uint8_t *own;
            Py_ssize_t own_size;
            if (word_of(PyList_GET_ITEM(list, at[k]), &own, &own_size) < 0) goto fail;
            int order = word == NULL ? -1 : compare_words(own, own_size, word, word_size);
            if (order < 0) {
                n_taken = 0;
                word = own;
                word_size = own_size;
                word_object = PyTuple_GET_ITEM(PyList_GET_ITEM(list, at[k]), 0);
            }
            if (order <= 0) taken[n_taken++] = k;
        }
        if (word == NULL) break;
        pieces.n = variants.n = 0;
        for (Py_ssize_t t = 0; t < n_taken; t++) {
            Py_ssize_t k = taken[t];
            PyObject *list = PyList_GET_ITEM(lists, k), *item = PyList_GET_ITEM(list, at[k]);
            if (++at[k] < PyList_GET_SIZE(list)) {  /* each list in byte order, a word once */
                const uint8_t *next;
                Py_ssize_t next_size;
                if (word_of(PyList_GET_ITEM(list, at[k]), &next, &next_size) < 0) goto fail;
                if (compare_words(next, next_size, word, word_size) <= 0) {
                    PyErr_SetString(PyExc_ValueError, "a bundle's words are not in byte order");
                    goto fail;
                }
            }
            if (cut_into(PyTuple_GET_ITEM(item, 1), &place[k], NULL, 0, &pieces) < 0) goto fail;
            PyObject *own_variants = PyTuple_GET_ITEM(item, 2);
            for (Py_ssize_t v = 0; v < PyTuple_GET_SIZE(own_variants); v++) {
                PyObject *variant = PyTuple_GET_ITEM(own_variants, v);
                if (!PyTuple_Check(variant) || PyTuple_GET_SIZE(variant) != 2
                        || !PyBytes_Check(PyTuple_GET_ITEM(variant, 0))) {
                    PyErr_SetString(PyExc_TypeError, "a variant is a (bytes, postings) pair");
                    goto fail;
                }
                PyObject *name = PyTuple_GET_ITEM(variant, 0);
                if (cut_into(PyTuple_GET_ITEM(variant, 1), &place[k], (const uint8_t *)PyBytes_AS_STRING(name),
                             PyBytes_GET_SIZE(name), &variants) < 0) goto fail;
            }
        }
        if (!pieces.n && !variants.n) continue;  /* only on pages left out */
        /* in page order (pages differ from piece to piece), the variants by name */
        qsort(pieces.items, (size_t)pieces.n, sizeof(Piece), by_name_then_page);
        qsort(variants.items, (size_t)variants.n, sizeof(Piece), by_name_then_page);
        Py_ssize_t named = 0;
        for (Py_ssize_t v = 0; v < variants.n; v++) {
            named += !v || compare_words(variants.items[v].name, variants.items[v].name_size,
                                         variants.items[v - 1].name, variants.items[v - 1].name_size);
        }
        buffer.size = 0;
        if (put_text(&buffer, 0x83, word, word_size) < 0 || put_postings(&buffer, pieces.items, pieces.n) < 0)
            goto fail;
        uint8_t *out = reserve(&buffer, 9);
        if (out == NULL) goto fail;
        buffer.size += put_head(out, 4, (uint64_t)named);
        for (Py_ssize_t v = 0; v < variants.n;) {
            Py_ssize_t end = v + 1;
            while (end < variants.n && !compare_words(variants.items[end].name, variants.items[end].name_size,
                                                      variants.items[v].name, variants.items[v].name_size))
                end++;
            if (put_text(&buffer, 0x82, variants.items[v].name, variants.items[v].name_size) < 0
                    || put_postings(&buffer, variants.items + v, end - v) < 0)
                goto fail;
            v = end;
        }
        PyObject *entry = Py_BuildValue("(Oy#)", word_object, (const char *)buffer.data, buffer.size);
        if (entry == NULL) goto fail;
        int appended = PyList_Append(result, entry);
        Py_DECREF(entry);
        if (appended < 0) goto fail;
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    if (place != NULL) {
        for (Py_ssize_t k = 0; k < k_lists; k++) {
            PyMem_Free(place[k].numbers);
            PyMem_Free(place[k].runs);
        }
    }
    PyMem_Free(place);
    PyMem_Free(at);
    PyMem_Free(taken);
    PyMem_Free(pieces.items);
    PyMem_Free(variants.items);
    PyMem_Free(buffer.data);
    return result;
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

/* One posting as pagefind_bundle.postings_summary reads it. */
typedef struct {
    int64_t page, low, high, mask;
    Py_ssize_t start;
} Summary;

/* Each posting's summary (pagefind_bundle.postings_summary) into *found (listed->count of them, to
 * be freed with PyMem_Free); 0, or -1 with an exception set. */
static int summarise(const Listed *listed, Summary **found) {
    if (listed->count > (uint64_t)listed->bytes.size + 1) return truncated();  /* each takes a byte or more */
    const Bytes *b = &listed->bytes;
    Summary *summaries = PyMem_Malloc(sizeof(Summary) * (listed->count ? (size_t)listed->count : 1));
    Location *locations = NULL;
    size_t capacity = 0;
    if (summaries == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int64_t page = (int64_t)listed->first;
    Py_ssize_t i = 0;
    for (uint64_t number = 0; number < listed->count; number++) {
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
        summaries[number] = (Summary){page, low, high, mask, start};
    }
    PyMem_Free(locations);
    *found = summaries;
    return 0;
fail:
    PyMem_Free(locations);
    PyMem_Free(summaries);
    return -1;
}

/* As pagefind_bundle.postings_summary: (pages, lows, highs, fields, starts). */
static PyObject *postings_summary(PyObject *self, PyObject *args) {
    PyObject *postings;
    if (!PyArg_ParseTuple(args, "O", &postings)) return NULL;
    Listed listed;
    Summary *summaries;
    if (unpack_postings(postings, &listed) < 0 || summarise(&listed, &summaries) < 0) return NULL;
    PyObject *lists[5] = {NULL, NULL, NULL, NULL, NULL};
    for (int k = 0; k < 5; k++) {
        if ((lists[k] = PyList_New((Py_ssize_t)listed.count)) == NULL) goto fail;
    }
    for (uint64_t number = 0; number < listed.count; number++) {
        const Summary *s = &summaries[number];
        long long values[5] = {s->page, s->low, s->high, s->mask, (long long)s->start};
        for (int k = 0; k < 5; k++) {
            PyObject *value = PyLong_FromLongLong(values[k]);
            if (value == NULL) goto fail;
            PyList_SET_ITEM(lists[k], (Py_ssize_t)number, value);
        }
    }
    PyMem_Free(summaries);
    return Py_BuildValue("(NNNNN)", lists[0], lists[1], lists[2], lists[3], lists[4]);
fail:
    PyMem_Free(summaries);
    for (int k = 0; k < 5; k++) Py_XDECREF(lists[k]);
    return NULL;
}

/* -- the first pages' contenders (pagefind_ranking.PartRanking.contenders) ----------------------
 *
 * The same bounds as the numpy reference there, computed in the same order so that they are the same
 * numbers: a form's bounds took about 2 ms there, most of it numpy's cost per call on small arrays
 * (a part's 550 frequent forms: 1.2 of its 2.6 s of searching). */

typedef struct {
    int64_t page, low, high, mask;
    Py_ssize_t start;
    Py_ssize_t listed;  /* which of the matched lists it is in */
    int64_t word;       /* the matched word's number */
    double bonus, diacritic;
} Row;

typedef struct {
    int64_t position, weight;
    Py_ssize_t word;  /* the word's number among the page's words */
    Py_ssize_t seq;   /* the order the locations were read in */
    Py_ssize_t group; /* (once grouped) the order its position was first read in */
} Located;

static double term(int64_t count, double bonus, double diacritic, double norm, double scale) {
    /* BM25 of a word on a page, as PartRanking._terms: the order of its operations is kept */
    double weighted = (double)count / 24.0 * bonus;
    return scale * weighted / (norm + weighted) * diacritic;
}

static int by_position_then_seq(const void *a, const void *b) {
    const Located *x = a, *y = b;
    if (x->position != y->position) return (x->position > y->position) - (x->position < y->position);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_group_then_seq(const void *a, const void *b) {
    const Located *x = a, *y = b;
    if (x->group != y->group) return (x->group > y->group) - (x->group < y->group);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The page's rows (row numbers, ascending) sorted by word, then row: insertion sort, a page has few. */
static void by_word(const Row *rows, Py_ssize_t *order, Py_ssize_t n) {
    for (Py_ssize_t k = 1; k < n; k++) {
        Py_ssize_t row = order[k], j = k;
        while (j > 0 && rows[order[j - 1]].word > rows[row].word) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = row;
    }
}

/* The first-best of the found pages' lower bounds (there are more than `first`). */
static double first_best(const double *lows, const Py_ssize_t *on, Py_ssize_t total, Py_ssize_t first,
                         double *heap) {
    Py_ssize_t size = 0;
    for (Py_ssize_t page = 0; page < total; page++) {
        if (!on[page]) continue;
        double value = lows[page];
        if (size < first) {  /* a min-heap of the best `first` so far */
            Py_ssize_t k = size++;
            while (k > 0 && heap[(k - 1) / 2] > value) {
                heap[k] = heap[(k - 1) / 2];
                k = (k - 1) / 2;
            }
            heap[k] = value;
        } else if (value > heap[0]) {
            Py_ssize_t k = 0;
            for (;;) {
                Py_ssize_t child = 2 * k + 1;
                if (child >= size) break;
                if (child + 1 < size && heap[child + 1] < heap[child]) child++;
                if (heap[child] >= value) break;
                heap[k] = heap[child];
                k = child;
            }
            heap[k] = value;
        }
    }
    return heap[0];
}

/* As PartRanking._located_bounds for one page: its bounds from its locations. */
static int locate(const Row *rows, const Py_ssize_t *page_rows, Py_ssize_t n, PyObject **data, double norm,
                  double scale, double *low, double *high) {
    Py_ssize_t words = 0, located = 0, capacity = 64;
    int64_t *word_of = PyMem_Malloc(sizeof(int64_t) * n);     /* page's word number -> matched word */
    double *bonus = PyMem_Malloc(sizeof(double) * n), *diacritic = PyMem_Malloc(sizeof(double) * n);
    int64_t *certain = PyMem_Calloc(n, sizeof(int64_t)), *uncertain = PyMem_Calloc(n, sizeof(int64_t));
    int64_t *most = PyMem_Calloc(n, sizeof(int64_t));
    Py_ssize_t *certain_order = PyMem_Malloc(sizeof(Py_ssize_t) * n);
    char *in_certain = PyMem_Calloc(n, 1);
    Located *at = PyMem_Malloc(sizeof(Located) * capacity);
    int result = -1;
    if (!word_of || !bonus || !diacritic || !certain || !uncertain || !most || !certain_order || !in_certain || !at) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        const Row *row = &rows[page_rows[k]];
        Py_ssize_t word = 0;
        while (word < words && word_of[word] != row->word) word++;
        if (word == words) {  /* its first row gives the word's bonuses */
            word_of[words] = row->word;
            bonus[words] = row->bonus;
            diacritic[words] = row->diacritic;
            words++;
        }
        Bytes b = {(const uint8_t *)PyBytes_AS_STRING(data[row->listed]), PyBytes_GET_SIZE(data[row->listed])};
        Py_ssize_t i = row->start;
        int major;
        uint64_t length, value;
        if (read_head(&b, &i, &major, &length) < 0) goto done;
        if (length > (uint64_t)b.size) {
            truncated();
            goto done;
        }
        int64_t weight = DEFAULT_WEIGHT, position = 0;
        for (uint64_t item = 0; item < length; item++) {
            if (read_head(&b, &i, &major, &value) < 0) goto done;
            if (major == 1) {
                weight = value < 255 ? (int64_t)value : 255;
                position = 0;
                continue;
            }
            position += (int64_t)value;
            if (located == capacity) {
                capacity *= 2;
                Located *grown = PyMem_Realloc(at, sizeof(Located) * capacity);
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
                at = grown;
            }
            at[located] = (Located){position, weight, word, located, 0};
            located++;
        }
    }
    /* The locations by position, the positions in the order first read (the reference's dict). */
    qsort(at, located, sizeof(Located), by_position_then_seq);
    for (Py_ssize_t k = 0; k < located;) {
        Py_ssize_t next = k + 1;
        while (next < located && at[next].position == at[k].position) next++;
        for (Py_ssize_t j = k; j < next; j++) at[j].group = at[k].seq;
        k = next;
    }
    qsort(at, located, sizeof(Located), by_group_then_seq);
    Py_ssize_t certain_words = 0;
    int64_t least = 0;
    for (Py_ssize_t k = 0; k < located;) {
        Py_ssize_t next = k + 1;
        int one_word = 1;
        int64_t lightest = at[k].weight, heaviest = at[k].weight;
        while (next < located && at[next].group == at[k].group) {
            if (at[next].word != at[k].word) one_word = 0;
            if (at[next].weight < lightest) lightest = at[next].weight;
            if (at[next].weight > heaviest) heaviest = at[next].weight;
            next++;
        }
        if (next - k == 1 || (one_word && lightest == heaviest)) {
            Py_ssize_t word = at[k].word;
            if (!in_certain[word]) {
                in_certain[word] = 1;
                certain_order[certain_words++] = word;
            }
            certain[word] += at[k].weight;
        } else {  /* credited to one of the words there, at one of its own weights there */
            for (Py_ssize_t j = k; j < next; j++) most[at[j].word] = -1;
            for (Py_ssize_t j = k; j < next; j++) {
                if (at[j].weight > most[at[j].word]) most[at[j].word] = at[j].weight;
            }
            for (Py_ssize_t j = k; j < next; j++) {
                if (most[at[j].word] >= 0) {
                    uncertain[at[j].word] += most[at[j].word];
                    most[at[j].word] = -1;
                }
            }
        }
        least += lightest;
        k = next;
    }
    double most_of = 0.0, certain_sum = 0.0, least_bonus = bonus[0], least_diacritic = diacritic[0];
    for (Py_ssize_t word = 0; word < words; word++) {
        most_of += term(certain[word] + uncertain[word], bonus[word], diacritic[word], norm, scale);
        if (bonus[word] < least_bonus) least_bonus = bonus[word];
        if (diacritic[word] < least_diacritic) least_diacritic = diacritic[word];
    }
    for (Py_ssize_t k = 0; k < certain_words; k++) {
        Py_ssize_t word = certain_order[k];
        certain_sum += term(certain[word], bonus[word], diacritic[word], norm, scale);
    }
    double from_least = term(least, least_bonus, least_diacritic, norm, scale);
    *low = from_least > certain_sum ? from_least : certain_sum;
    *high = most_of;
    result = 0;
done:
    PyMem_Free(word_of);
    PyMem_Free(bonus);
    PyMem_Free(diacritic);
    PyMem_Free(certain);
    PyMem_Free(uncertain);
    PyMem_Free(most);
    PyMem_Free(certain_order);
    PyMem_Free(in_certain);
    PyMem_Free(at);
    return result;
}

/* The pages (ascending) whose upper bound reaches the first-best lower bound; returns how many. */
static Py_ssize_t zone_of(const double *lows, const double *highs, const Py_ssize_t *on, Py_ssize_t total,
                          Py_ssize_t first, double floor_factor, double *heap, Py_ssize_t *zone) {
    double floor = first_best(lows, on, total, first, heap) * floor_factor;
    Py_ssize_t n = 0;
    for (Py_ssize_t page = 0; page < total; page++) {
        if (on[page] && highs[page] >= floor) zone[n++] = page;
    }
    return n;
}

/* contenders(listed, norms, field_weights, first, saturation_plus_one, floor_factor) -> (count,
 * {page: (low, high)} or None), as PartRanking.contenders with its numpy reference: `listed` holds
 * (postings, word, length bonus, diacritic bonus) for each matched list in the module's order,
 * `norms` each page's length normalisation (float64 bytes). None where every page must be scored. */
static PyObject *contenders(PyObject *self, PyObject *args) {
    PyObject *listed_items, *weights_given;
    Py_buffer norms_buffer;
    Py_ssize_t first;
    double saturation_plus_one, floor_factor;
    if (!PyArg_ParseTuple(args, "O!y*Ondd", &PyList_Type, &listed_items, &norms_buffer, &weights_given, &first,
                          &saturation_plus_one, &floor_factor)) return NULL;
    PyObject *result = NULL, *weights = NULL, *bounds = NULL;
    Py_ssize_t n_listed = PyList_GET_SIZE(listed_items), total = norms_buffer.len / (Py_ssize_t)sizeof(double);
    const double *norms = norms_buffer.buf;
    Row *rows = NULL;
    PyObject **data = PyMem_Calloc(n_listed ? n_listed : 1, sizeof(PyObject *));
    Py_ssize_t *on = PyMem_Calloc(total + 1, sizeof(Py_ssize_t)), *begin = PyMem_Calloc(total + 1, sizeof(Py_ssize_t));
    double *lows = PyMem_Malloc(sizeof(double) * (total + 1)), *highs = PyMem_Malloc(sizeof(double) * (total + 1));
    double *heap = NULL, *field_weights = NULL;
    Py_ssize_t *page_rows = NULL, *zone = PyMem_Malloc(sizeof(Py_ssize_t) * (total + 1)), *order = NULL;
    if (!data || !on || !begin || !lows || !highs || !zone) {
        PyErr_NoMemory();
        goto done;
    }
    if (norms_buffer.len % (Py_ssize_t)sizeof(double) || first < 1) {
        PyErr_SetString(PyExc_ValueError, "norms are float64 bytes, and a first page holds a page or more");
        goto done;
    }
    if ((weights = PySequence_Fast(weights_given, "the fields' weights are a sequence")) == NULL) goto done;
    Py_ssize_t fields = PySequence_Fast_GET_SIZE(weights);
    if ((field_weights = PyMem_Malloc(sizeof(double) * (fields ? fields : 1))) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t f = 0; f < fields; f++) {
        field_weights[f] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(weights, f));
        if (field_weights[f] == -1.0 && PyErr_Occurred()) goto done;
    }
    if (fields > MAX_FIELDS) fields = MAX_FIELDS;  /* (a summary tells no more apart) */

    /* Every matched list's postings, one row each, in the module's order. */
    Py_ssize_t n_rows = 0, capacity = 0;
    for (Py_ssize_t k = 0; k < n_listed; k++) {
        PyObject *item = PyList_GET_ITEM(listed_items, k);
        PyObject *postings;
        long long word;
        double bonus, diacritic;
        if (!PyTuple_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "a matched list is a tuple (postings, word, bonus, diacritic)");
            goto done;
        }
        if (!PyArg_ParseTuple(item, "OLdd", &postings, &word, &bonus, &diacritic)) goto done;
        Listed listed;
        Summary *summaries;
        if (unpack_postings(postings, &listed) < 0 || summarise(&listed, &summaries) < 0) goto done;
        data[k] = listed.data;
        if (n_rows + (Py_ssize_t)listed.count > capacity) {
            Py_ssize_t more = (n_rows + (Py_ssize_t)listed.count) * 2;
            Row *grown = PyMem_Realloc(rows, sizeof(Row) * (more ? more : 1));
            if (grown == NULL) {
                PyMem_Free(summaries);
                PyErr_NoMemory();
                goto done;
            }
            rows = grown;
            capacity = more;
        }
        for (uint64_t number = 0; number < listed.count; number++) {
            const Summary *s = &summaries[number];
            if (s->page < 0 || s->page >= total) {
                PyMem_Free(summaries);
                PyErr_Format(PyExc_ValueError, "a posting's page %lld is not among the part's %zd pages",
                             (long long)s->page, total);
                goto done;
            }
            rows[n_rows++] = (Row){s->page, s->low, s->high, s->mask, s->start, k, word, bonus, diacritic};
        }
        PyMem_Free(summaries);
    }
    Py_ssize_t count = 0;
    for (Py_ssize_t row = 0; row < n_rows; row++) count += !on[rows[row].page]++;
    if (count <= first) {
        result = Py_BuildValue("(nO)", count, Py_None);
        goto done;
    }
    double idf = log(((double)(total - count) + 0.5) / ((double)count + 0.5) + 1.0);
    double scale = idf * saturation_plus_one;

    /* Each page's rows, in row order. */
    if ((page_rows = PyMem_Malloc(sizeof(Py_ssize_t) * n_rows)) == NULL ||
        (order = PyMem_Malloc(sizeof(Py_ssize_t) * n_rows)) == NULL ||
        (heap = PyMem_Malloc(sizeof(double) * first)) == NULL) {  /* (first < count <= rows) */
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t page = 0; page < total; page++) begin[page + 1] = begin[page] + on[page];
    for (Py_ssize_t page = 0; page <= total; page++) zone[page] = begin[page];  /* (as fill positions) */
    for (Py_ssize_t row = 0; row < n_rows; row++) page_rows[zone[rows[row].page]++] = row;

    /* As PartRanking._counted_bounds: a page with one posting is scored, one with several bounded
     * by crediting each word all its postings' count; the meta boost added to both. */
    for (Py_ssize_t page = 0; page < total; page++) {
        lows[page] = highs[page] = -INFINITY;
        if (!on[page]) continue;
        Py_ssize_t n = on[page];
        Py_ssize_t *mine = order + begin[page];
        memcpy(mine, page_rows + begin[page], sizeof(Py_ssize_t) * n);
        by_word(rows, mine, n);
        int64_t holding[MAX_FIELDS] = {0};  /* by field: the words with a posting here in it */
        for (Py_ssize_t k = 0; k < n;) {
            Py_ssize_t next = k;
            int64_t held = 0;
            while (next < n && rows[mine[next]].word == rows[mine[k]].word) held |= rows[mine[next++]].mask;
            for (Py_ssize_t f = 0; f < fields; f++) holding[f] += (held >> f) & 1;
            k = next;
        }
        double boost = 0.0;
        for (Py_ssize_t f = 0; f < fields; f++) {
            double cubed = (double)holding[f] * (double)holding[f] * (double)holding[f];
            boost += field_weights[f] * idf * cubed;
        }
        double norm = norms[page];
        if (n == 1) {
            const Row *row = &rows[mine[0]];
            lows[page] = term(row->low, row->bonus, row->diacritic, norm, scale) + boost;
            highs[page] = term(row->high, row->bonus, row->diacritic, norm, scale) + boost;
            continue;
        }
        double high = 0.0;
        for (Py_ssize_t k = 0; k < n;) {
            Py_ssize_t next = k;
            int64_t counted = 0;
            while (next < n && rows[mine[next]].word == rows[mine[k]].word) counted += rows[mine[next++]].high;
            high += term(counted, rows[mine[k]].bonus, rows[mine[k]].diacritic, norm, scale);
            k = next;
        }
        lows[page] = 0.0 + boost;
        highs[page] = high + boost;
    }
    Py_ssize_t zone_size = zone_of(lows, highs, on, total, first, floor_factor, heap, zone);
    int refined = 0;
    for (Py_ssize_t k = 0; k < zone_size; k++) {
        Py_ssize_t page = zone[k];
        if (on[page] < 2) continue;
        double low, high, boost = lows[page];
        if (locate(rows, page_rows + begin[page], on[page], data, norms[page], scale, &low, &high) < 0) goto done;
        lows[page] = low + boost;
        if (high + boost < highs[page]) highs[page] = high + boost;
        refined = 1;
    }
    if (refined) zone_size = zone_of(lows, highs, on, total, first, floor_factor, heap, zone);
    if (zone_size >= count) {
        result = Py_BuildValue("(nO)", count, Py_None);
        goto done;
    }
    if ((bounds = PyDict_New()) == NULL) goto done;
    for (Py_ssize_t k = 0; k < zone_size; k++) {
        PyObject *key = PyLong_FromSsize_t(zone[k]);
        PyObject *value = Py_BuildValue("(dd)", lows[zone[k]], highs[zone[k]]);
        int failed = key == NULL || value == NULL || PyDict_SetItem(bounds, key, value) < 0;
        Py_XDECREF(key);
        Py_XDECREF(value);
        if (failed) goto done;
    }
    result = Py_BuildValue("(nO)", count, bounds);
done:
    PyBuffer_Release(&norms_buffer);
    Py_XDECREF(weights);
    Py_XDECREF(bounds);
    PyMem_Free(rows);
    PyMem_Free(data);
    PyMem_Free(on);
    PyMem_Free(begin);
    PyMem_Free(lows);
    PyMem_Free(highs);
    PyMem_Free(heap);
    PyMem_Free(field_weights);
    PyMem_Free(page_rows);
    PyMem_Free(zone);
    PyMem_Free(order);
    return result;
}

static PyMethodDef methods[] = {
    {"chunk_words", chunk_words, METH_VARARGS, "The words of an index chunk (pagefind_bundle.chunk_words)."},
    {"word_at", word_at, METH_VARARGS, "The word entry at an offset, and where the next starts."},
    {"walk", walk, METH_VARARGS, "(page, start, end) of each posting (pagefind_bundle._walk)."},
    {"renumbered_pages", renumbered_pages, METH_VARARGS, "Postings with their pages renumbered."},
    {"renumbered_words", renumbered_words, METH_VARARGS, "Every word's postings with their pages renumbered."},
    {"merged_entries", merged_entries, METH_VARARGS, "The word entries of bundles merged (pagefind_bundle._merged_entries)."},
    {"postings_summary", postings_summary, METH_VARARGS, "Each posting's page, bounds, fields and start."},
    {"contenders", contenders, METH_VARARGS, "The pages that may be on a search's first page (pagefind_ranking)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_postings", "Pagefind's postings read in C (see pagefind_bundle.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__postings(void) {
    return PyModule_Create(&module);
}
