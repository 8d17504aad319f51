/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-response.c: turning a Filemail API answer into data or an FM_ERROR */
#define G_LOG_DOMAIN "fm-response"

#include <string.h>

#include "fm-error.h"
#include "fm-json.h"
#include "fm-response.h"

G_DEFINE_BOXED_TYPE (FmTransferTicket, fm_transfer_ticket,
                     fm_transfer_ticket_copy, fm_transfer_ticket_free)

FmTransferTicket *
fm_transfer_ticket_new (const char *id,
                        const char *key,
                        const char *url)
{
  FmTransferTicket *ticket = g_new0 (FmTransferTicket, 1);

  ticket->id = g_strdup (id);
  ticket->key = g_strdup (key);
  ticket->url = g_strdup (url);
  return ticket;
}

FmTransferTicket *
fm_transfer_ticket_copy (const FmTransferTicket *ticket)
{
  return fm_transfer_ticket_new (ticket->id, ticket->key, ticket->url);
}

void
fm_transfer_ticket_free (FmTransferTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_free (ticket->id);
  /* The key is a secret: do not leave it in freed memory. */
  if (ticket->key != NULL)
    memset (ticket->key, 0, strlen (ticket->key));
  g_free (ticket->key);
  g_free (ticket->url);
  g_free (ticket);
}

static GError *
protocol_error (const char *what)
{
  return g_error_new (FM_ERROR, FM_ERROR_PROTOCOL, "%s (%s)",
                      fm_error_get_message (FM_ERROR_PROTOCOL), what);
}

static gboolean
is_ok (const char *status)
{
  return status != NULL && g_ascii_strcasecmp (status, "ok") == 0;
}

/* The reference says an error answer carries status='error' (or a
 * responsestatus other than ok) with errorcode, errorname, errormessage.
 * The code may come as a number or a string. */
static GError *
server_error (JsonObject *root)
{
  gint64 code = FM_ERROR_UNKNOWN_ERROR;

  if (!fm_json_get_int64 (root, "errorcode", &code) || code <= 0 || code > G_MAXINT)
    code = FM_ERROR_UNKNOWN_ERROR;
  return fm_error_new_from_server ((int) code,
                                   fm_json_get_string (root, "errorname"),
                                   fm_json_get_string (root, "errormessage"));
}

/* The reference's own examples annotate JSON with // comments (sent/get:
 * `"files": [], //Invoke /api/transfer/get ...`). json-glib refuses them,
 * so a body that does not parse is tried once more without comments that
 * stand outside strings. */
static char *
strip_comments (const char *data,
                gsize       size)
{
  GString *out = g_string_sized_new (size);
  gboolean in_string = FALSE;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          g_string_append_c (out, c);
          if (c == '\\' && i + 1 < size)
            g_string_append_c (out, data[++i]);
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '/' && i + 1 < size && data[i + 1] == '/')
        while (i + 1 < size && data[i + 1] != '\n')
          i++;
      else if (c == '/' && i + 1 < size && data[i + 1] == '*')
        {
          for (i += 2; i + 1 < size && !(data[i] == '*' && data[i + 1] == '/'); i++)
            ;
          i++;
        }
      else
        {
          in_string = c == '"';
          g_string_append_c (out, c);
        }
    }
  return g_string_free (out, FALSE);
}

static JsonNode *
load_json (const char *data,
           gsize       size)
{
  g_autofree char *stripped = NULL;
  JsonNode *root = fm_json_parse_bounded (data, size, NULL);

  if (root != NULL || memchr (data, '/', size) == NULL)
    return root;
  stripped = strip_comments (data, size);
  return fm_json_parse_bounded (stripped, strlen (stripped), NULL);
}

static gboolean
looks_like_json (const char *data,
                 gsize       size)
{
  gsize i = 0;

  while (i < size && g_ascii_isspace (data[i]))
    i++;
  return i < size && (data[i] == '{' || data[i] == '[');
}

/* Returns the root object of a successful answer. Anything else, a non-JSON
 * body, an HTML error page, truncated JSON, nesting deeper than any answer
 * (FM_JSON_MAX_DEPTH), a root that is not an object, a missing status,
 * becomes FM_ERROR_PROTOCOL; a documented error answer becomes its
 * FM_ERROR code. */
JsonObject *
fm_response_parse (GBytes  *body,
                   GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object;
  const char *status;

  if (size == 0)
    {
      g_propagate_error (error, protocol_error ("empty answer"));
      return NULL;
    }
  if (size > FM_RESPONSE_MAX_SIZE)
    {
      g_propagate_error (error, protocol_error ("answer too large"));
      return NULL;
    }
  root = load_json (data, size);
  if (root == NULL && !looks_like_json (data, size))
    {
      /* an HTML page with 200: a hotel Wi-Fi's login, a proxy's notice */
      g_set_error (error, FM_ERROR, FM_ERROR_NOT_FILEMAIL, "%s", fm_error_get_message (FM_ERROR_NOT_FILEMAIL));
      return NULL;
    }
  if (root == NULL)
    {
      g_propagate_error (error, protocol_error ("not JSON"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, protocol_error ("not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  status = fm_json_get_string (object, "responsestatus");
  if (status == NULL)
    status = fm_json_get_string (object, "status");
  if (is_ok (status) && !json_object_has_member (object, "errorcode"))
    return json_object_ref (object);
  if (status != NULL || json_object_has_member (object, "errorcode"))
    g_propagate_error (error, server_error (object));
  else
    g_propagate_error (error, protocol_error ("no responsestatus"));
  return NULL;
}

FmTransfer *
fm_response_parse_transfer (JsonObject  *root,
                            GError     **error)
{
  JsonObject *object = fm_json_get_object (root, "transfer");
  FmTransfer *transfer;

  if (object == NULL)
    {
      g_propagate_error (error, protocol_error ("no \"transfer\" object"));
      return NULL;
    }
  transfer = fm_transfer_new_from_json (object, error);
  if (transfer != NULL)
    fm_transfer_set_details_loaded (transfer);
  return transfer;
}

GListStore *
fm_response_parse_transfers (JsonObject  *root,
                             GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (FM_TYPE_TRANSFER);
  JsonArray *array = fm_json_get_array (root, "transfers");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (array == NULL)
    {
      g_propagate_error (error, protocol_error ("no \"transfers\" list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      FmTransfer *transfer;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_propagate_error (error, protocol_error ("a transfer that is not an object"));
          return NULL;
        }
      transfer = fm_transfer_new_from_json (json_node_get_object (node), error);
      if (transfer == NULL)
        return NULL;
      g_ptr_array_add (items, transfer);
    }
  /* One splice, one items-changed: a view bound to the store builds its
   * rows once, however long the list. */
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return g_steal_pointer (&store);
}

static gboolean
require_string (JsonObject  *root,
                const char  *member,
                const char **out,
                GError     **error)
{
  *out = fm_json_get_string (root, member);
  if (*out != NULL && **out != '\0')
    return TRUE;
  g_autofree char *what = g_strdup_printf ("no \"%s\"", member);
  g_propagate_error (error, protocol_error (what));
  return FALSE;
}

FmTransferTicket *
fm_response_parse_ticket (JsonObject  *root,
                          GError     **error)
{
  const char *id, *key, *url;

  if (!require_string (root, "transferid", &id, error) ||
      !require_string (root, "transferkey", &key, error) ||
      !require_string (root, "transferurl", &url, error))
    return NULL;
  return fm_transfer_ticket_new (id, key, url);
}

char *
fm_response_parse_login (JsonObject  *root,
                         GError     **error)
{
  const char *token;

  if (!require_string (root, "logintoken", &token, error))
    return NULL;
  return g_strdup (token);
}

/* The reference shows "downloadurl"; a missing one is not fatal: the
 * transfer is complete, and /api/transfer/get gives its url. */
char *
fm_response_parse_complete (JsonObject  *root,
                            GError     **error)
{
  const char *url = fm_json_get_string (root, "downloadurl");

  if (url == NULL)
    url = fm_json_get_string (root, "url");
  return g_strdup (url != NULL ? url : "");
}
