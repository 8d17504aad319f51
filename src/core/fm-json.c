/* fm-json.c: type-checked accessors for server JSON */
#define G_LOG_DOMAIN "fm-json"

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
  GType type;

  if (node == NULL)
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (!(d >= (double) G_MININT64 && d <= (double) G_MAXINT64))
        return FALSE;
      *out = (gint64) d;
    }
  else if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      char *end = NULL;

      if (s == NULL || *s == '\0')
        return FALSE;
      *out = g_ascii_strtoll (s, &end, 10);
      if (*end != '\0')
        return FALSE;
    }
  else
    return FALSE;
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
