/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-json.h: type-checked accessors for server JSON
 *
 * The server is not trusted to send the types the reference shows: every
 * accessor checks the node type and answers a default instead of asserting.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than any answer the reference shows (4 levels) by far, and far
 * shallower than what overflows json-glib's recursive parser. */
#define FM_JSON_MAX_DEPTH 64

gboolean    fm_json_check_depth   (const char *data,
                                   gsize       size,
                                   guint       max_depth);
JsonNode   *fm_json_parse_bounded (const char *data,
                                   gsize       size,
                                   GError    **error);

const char *fm_json_get_string    (JsonObject *object,
                                   const char *member);
gboolean    fm_json_get_int64     (JsonObject *object,
                                   const char *member,
                                   gint64     *out);
gboolean    fm_json_get_boolean   (JsonObject *object,
                                   const char *member,
                                   gboolean    fallback);
JsonArray  *fm_json_get_array     (JsonObject *object,
                                   const char *member);
JsonObject *fm_json_get_object    (JsonObject *object,
                                   const char *member);
gint64      fm_json_timestamp_to_unix (gint64 value);
void        fm_json_set_string    (JsonObject *object,
                                   const char *member,
                                   const char *value);

void        fm_json_append_string (GString    *out,
                                   const char *value);

void        fm_json_keep_newest   (JsonObject *object,
                                   const char *time_member,
                                   guint       max);

G_END_DECLS
