/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-json.c: type-checked accessors for server JSON */
#define G_LOG_DOMAIN "fm-json"

#include <errno.h>
#include <stdlib.h>


#include "fm-json.h"

static JsonNode *
get_value_node (JsonObject *object,
                const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  return node;
}

const char *
fm_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_value_node (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Numbers may come as JSON integers, doubles or numeric strings. */
gboolean
fm_json_get_int64 (JsonObject *object,
                   const char *member,
                   gint64     *out)
{
  JsonNode *node = get_value_node (object, member);
  gint64 value;
  GType type;

  if (node == NULL)
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* 2^63 as a double rounds to G_MAXINT64 + 1: strictly below it. */
      if (!(d >= (double) G_MININT64 && d < (double) G_MAXINT64))
        return FALSE;
      value = (gint64) d;
    }
  else if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      char *end = NULL;

      if (s == NULL || *s == '\0')
        return FALSE;
      errno = 0;
      value = g_ascii_strtoll (s, &end, 10);
      if (*end != '\0' || errno == ERANGE)
        return FALSE;
    }
  else
    return FALSE;
  /* The caller's default stays in place unless the value is good. */
  *out = value;
  return TRUE;
}

/* Booleans may come as JSON booleans, "true"/"false" strings or 0/1. */
gboolean
fm_json_get_boolean (JsonObject *object,
                     const char *member,
                     gboolean    fallback)
{
  JsonNode *node = get_value_node (object, member);
  GType type;

  if (node == NULL)
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (g_ascii_strcasecmp (s, "true") == 0 || g_strcmp0 (s, "1") == 0)
        return TRUE;
      if (g_ascii_strcasecmp (s, "false") == 0 || g_strcmp0 (s, "0") == 0)
        return FALSE;
    }
  return fallback;
}

JsonArray *
fm_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
fm_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The reference's examples give dates in milliseconds (/api/transfer/get:
 * 1354138194677) and in seconds (sent/get: 1350314399). Seconds stay below
 * 10^11 until the year 5138, milliseconds have been above it since 1973. */
gint64
fm_json_timestamp_to_unix (gint64 value)
{
  if (value > G_GINT64_CONSTANT (100000000000) || value < -G_GINT64_CONSTANT (100000000000))
    return value / 1000;
  return value;
}

/* json-glib's parser recurses once per nesting level, so 100,000 "[" in a
 * 200 KB answer overflow the stack. This scan, iterative and outside
 * strings, refuses such input before json-glib sees it. */
gboolean
fm_json_check_depth (const char *data,
                     gsize       size,
                     guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* Every JSON this program reads from outside (answers, saved jobs) goes
 * through here: bounded nesting, then json-glib. */
JsonNode *
fm_json_parse_bounded (const char  *data,
                       gsize        size,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (!fm_json_check_depth (data, size, FM_JSON_MAX_DEPTH))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "nested deeper than %d levels", FM_JSON_MAX_DEPTH);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty document");
      return NULL;
    }
  return json_node_ref (root);
}

/* Appends @value to @out as a JSON string literal, for JSON written as
 * text where a tree of nodes would cost too much (a job's thousands of
 * files). Text that is not UTF-8 is made so, as json-glib's parser would
 * refuse the whole document for it. */
void
fm_json_append_string (GString    *out,
                       const char *value)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* Sets @member when there is a @value; NULL leaves it out. */
void
fm_json_set_string (JsonObject *object,
                    const char *member,
                    const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

typedef struct {
  const char *key;
  gint64      time;
} Dated;

static int
compare_dated (gconstpointer a,
               gconstpointer b)
{
  const Dated *x = a, *y = b;

  return (x->time > y->time) - (x->time < y->time);
}

/* Keeps the @max members of @object whose @time_member is newest (state
 * files that remember "the newest N"); nothing is looked at below @max. */
void
fm_json_keep_newest (JsonObject *object,
                     const char *time_member,
                     guint       max)
{
  g_autoptr(GList) keys = NULL;
  g_autoptr(GArray) entries = NULL;
  guint n = json_object_get_size (object);

  if (n <= max)
    return;
  keys = json_object_get_members (object);
  entries = g_array_sized_new (FALSE, FALSE, sizeof (Dated), n);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      Dated e = { l->data, 0 };

      fm_json_get_int64 (fm_json_get_object (object, l->data), time_member, &e.time);
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, compare_dated);
  for (guint i = 0; i < n - max; i++)
    json_object_remove_member (object, g_array_index (entries, Dated, i).key);
}
