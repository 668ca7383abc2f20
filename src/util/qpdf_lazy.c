/*
 * qpdf_lazy.c — libqpdf, opened the first time kokous calls it.
 *
 * Only signing and verifying read PDFs with qpdf, but linking it made
 * every run (build, check, ...) map and relocate qpdf and what it brings
 * (libstdc++ bindings, GnuTLS, p11-kit, ...): a quarter of the libraries
 * and more start-up time than anything else kokous does before its first
 * page.  So kokous is not linked with it: these definitions of the qpdf
 * C API functions kokous uses (checked against qpdf-c.h) open
 * libqpdf.so.29 on the first call and jump to the real one (lazy.h).  If
 * the library cannot be opened, kokous stops with an internal error
 * (exit 3): Debian installs it with kokous.
 */
#include "util/lazy.h"

#include <glib.h>
#include <qpdf/qpdf-c.h>

/* The Makefile passes the soname of the installed library. */
#ifndef KK_QPDF_SONAME
#define KK_QPDF_SONAME "libqpdf.so.29"
#endif

/* R(return type, name, (parameters), (arguments)); V for void functions. */
#define KK_QPDF_FUNCTIONS(R, V) \
    V(void, qpdf_cleanup, (qpdf_data* qpdf), (qpdf)) \
    R(qpdf_error, qpdf_get_error, (qpdf_data qpdf), (qpdf)) \
    R(char const*, qpdf_get_error_full_text, (qpdf_data q, qpdf_error e), (q, e)) \
    R(int, qpdf_get_num_pages, (qpdf_data qpdf), (qpdf)) \
    R(qpdf_oh, qpdf_get_object_by_id, (qpdf_data qpdf, int objid, int generation), (qpdf, objid, generation)) \
    R(qpdf_oh, qpdf_get_page_n, (qpdf_data qpdf, size_t zero_based_index), (qpdf, zero_based_index)) \
    R(qpdf_oh, qpdf_get_root, (qpdf_data qpdf), (qpdf)) \
    R(qpdf_oh, qpdf_get_trailer, (qpdf_data qpdf), (qpdf)) \
    R(QPDF_BOOL, qpdf_has_error, (qpdf_data qpdf), (qpdf)) \
    R(qpdf_data, qpdf_init, (void), ()) \
    R(QPDF_BOOL, qpdf_is_encrypted, (qpdf_data qpdf), (qpdf)) \
    V(void, qpdf_oh_begin_dict_key_iter, (qpdf_data qpdf, qpdf_oh dict), (qpdf, dict)) \
    R(QPDF_BOOL, qpdf_oh_dict_more_keys, (qpdf_data qpdf), (qpdf)) \
    R(char const*, qpdf_oh_dict_next_key, (qpdf_data qpdf), (qpdf)) \
    R(qpdf_oh, qpdf_oh_get_array_item, (qpdf_data qpdf, qpdf_oh oh, int n), (qpdf, oh, n)) \
    R(int, qpdf_oh_get_array_n_items, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(char const*, qpdf_oh_get_binary_string_value, (qpdf_data qpdf, qpdf_oh oh, size_t* length), (qpdf, oh, length)) \
    R(qpdf_oh, qpdf_oh_get_dict, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(int, qpdf_oh_get_generation, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(long long, qpdf_oh_get_int_value, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(int, qpdf_oh_get_int_value_as_int, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(qpdf_oh, qpdf_oh_get_key, (qpdf_data qpdf, qpdf_oh oh, char const* key), (qpdf, oh, key)) \
    R(qpdf_oh, qpdf_oh_get_key_if_dict, (qpdf_data qpdf, qpdf_oh oh, char const* key), (qpdf, oh, key)) \
    R(char const*, qpdf_oh_get_name, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(int, qpdf_oh_get_object_id, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_ERROR_CODE, qpdf_oh_get_stream_data, (qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len), (qpdf, stream_oh, decode_level, filtered, bufp, len)) \
    R(char const*, qpdf_oh_get_utf8_value, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_has_key, (qpdf_data qpdf, qpdf_oh oh, char const* key), (qpdf, oh, key)) \
    R(QPDF_BOOL, qpdf_oh_is_array, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_dictionary, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_indirect, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_integer, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_name, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_name_and_equals, (qpdf_data qpdf, qpdf_oh oh, char const* name), (qpdf, oh, name)) \
    R(QPDF_BOOL, qpdf_oh_is_null, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_stream, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_BOOL, qpdf_oh_is_string, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    V(void, qpdf_oh_release_all, (qpdf_data qpdf), (qpdf)) \
    R(char const*, qpdf_oh_unparse, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(char const*, qpdf_oh_unparse_resolved, (qpdf_data qpdf, qpdf_oh oh), (qpdf, oh)) \
    R(QPDF_ERROR_CODE, qpdf_read_memory, (qpdf_data qpdf, char const* description, char const* buffer, unsigned long long size, char const* password), (qpdf, description, buffer, size, password)) \
    V(void, qpdf_set_suppress_warnings, (qpdf_data qpdf, QPDF_BOOL value), (qpdf, value)) \
    V(void, qpdf_silence_errors, (qpdf_data qpdf), (qpdf))

KK_LAZY_LIBRARY(KK_QPDF_FUNCTIONS, KK_QPDF_SONAME)

KK_LAZY_DEFINE(KK_QPDF_FUNCTIONS)
