/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-link-history.c: transfers opened by their link on this computer */
#define G_LOG_DOMAIN "fm-link-history"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "fm-json.h"
#include "fm-link-history.h"
#include "fm-state-file.h"
#include "fm-transfer-link.h"

#define FORMAT_VERSION 1
#define MAX_FILE_SIZE  (4 * 1024 * 1024)

struct _FmLinkHistory
{
  GObject  parent_instance;

  char    *path;
};

G_DEFINE_FINAL_TYPE (FmLinkHistory, fm_link_history, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
fm_link_history_finalize (GObject *object)
{
  g_free (FM_LINK_HISTORY (object)->path);
  G_OBJECT_CLASS (fm_link_history_parent_class)->finalize (object);
}

static void
fm_link_history_class_init (FmLinkHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_link_history_finalize;
  /* a link was remembered or forgotten (by this object) */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fm_link_history_init (FmLinkHistory *self)
{
}

FmLinkHistory *
fm_link_history_new (const char *path)
{
  FmLinkHistory *self = g_object_new (FM_TYPE_LINK_HISTORY, NULL);

  self->path = g_strdup (path);
  return self;
}

const char *
fm_link_history_get_path (FmLinkHistory *self)
{
  return self->path;
}

/* Every read goes to the disk: the CLI and the app both write it, and it
 * is small. Damaged or of a newer format: read as empty (a convenience,
 * never a reason to fail), and not overwritten by a newer version's. */
static JsonArray *
read_links (FmLinkHistory *self,
            gboolean      *newer)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *links;
  gint64 version = 0;
  gsize length = 0;

  *newer = FALSE;
  text = fm_state_file_read (self->path, MAX_FILE_SIZE, FM_STATE_FILE_NONE, &length, NULL);
  if (text != NULL)
    root = fm_json_parse_bounded (text, length, NULL);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  links = fm_json_get_array (object, "links");
  if (object != NULL && fm_json_get_int64 (object, "version", &version) && version > FORMAT_VERSION)
    {
      *newer = TRUE;
      return json_array_new ();
    }
  return links != NULL ? json_array_ref (links) : json_array_new ();
}

static gboolean
write_links (FmLinkHistory  *self,
             JsonArray      *links,
             GError        **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL, *dir = g_path_get_dirname (self->path);

  while (json_array_get_length (links) > FM_LINK_HISTORY_MAX)
    json_array_remove_element (links, json_array_get_length (links) - 1);
  json_object_set_int_member (object, "version", FORMAT_VERSION);
  json_object_set_array_member (object, "links", json_array_ref (links));
  json_node_set_object (root, object);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_mkdir_with_parents (dir, 0700);
  return g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static JsonObject *
entry_transfer (JsonArray *links,
                guint      i)
{
  JsonNode *node = json_array_get_element (links, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? fm_json_get_object (json_node_get_object (node), "transfer") : NULL;
}

static gboolean
entry_is (JsonArray  *links,
          guint       i,
          const char *server,
          const char *id)
{
  JsonNode *node = json_array_get_element (links, i);
  JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return entry != NULL && g_strcmp0 (fm_json_get_string (entry, "server"), server) == 0 &&
         fm_transfer_id_equal (fm_json_get_string (entry_transfer (links, i), "id"), id);
}

static int
find (JsonArray  *links,
      const char *server,
      const char *id)
{
  for (guint i = 0; i < json_array_get_length (links); i++)
    if (entry_is (links, i, server, id))
      return (int) i;
  return -1;
}

/* What is kept of a transfer: its summary; never its files' addresses. */
static JsonObject *
summary_json (FmTransfer *details)
{
  JsonObject *object = fm_transfer_to_json (details);

  json_object_remove_member (object, "files");
  json_object_remove_member (object, "detailsloaded");
  json_object_remove_member (object, "to");
  return object;
}

/* Opened now: first in the list, with what transfer/get said if known. */
gboolean
fm_link_history_remember (FmLinkHistory  *self,
                          const char     *server,
                          const char     *transfer_id,
                          FmTransfer     *details,
                          GError        **error)
{
  gboolean newer;
  g_autoptr(JsonArray) links = read_links (self, &newer);
  g_autoptr(JsonArray) reordered = json_array_new ();
  JsonObject *entry = json_object_new ();
  JsonObject *transfer = NULL;
  int at;

  g_return_val_if_fail (fm_transfer_id_is_valid (transfer_id), FALSE);
  if (newer)
    {
      json_object_unref (entry);
      return TRUE;
    }
  at = find (links, server, transfer_id);
  if (details != NULL)
    transfer = summary_json (details);
  else if (at >= 0)
    transfer = json_object_ref (entry_transfer (links, (guint) at));
  else
    {
      g_autofree char *url = fm_transfer_link_for_id (server, transfer_id);

      transfer = json_object_new ();
      json_object_set_string_member (transfer, "id", transfer_id);
      json_object_set_string_member (transfer, "url", url);
    }
  json_object_set_string_member (entry, "server", server);
  json_object_set_int_member (entry, "opened", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_object_member (entry, "transfer", transfer);
  json_array_add_object_element (reordered, entry);
  for (guint i = 0; i < json_array_get_length (links); i++)
    if ((int) i != at)
      json_array_add_element (reordered, json_node_copy (json_array_get_element (links, i)));
  if (!write_links (self, reordered, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

/* transfer/get answered for one that is kept: its sender, size, expiry. */
gboolean
fm_link_history_update (FmLinkHistory  *self,
                        const char     *server,
                        FmTransfer     *details,
                        GError        **error)
{
  gboolean newer;
  g_autoptr(JsonArray) links = read_links (self, &newer);
  int at = find (links, server, fm_transfer_get_id (details));
  JsonObject *entry;
  g_autoptr(JsonObject) old = NULL;
  JsonObject *fresh;

  if (at < 0 || newer)
    return TRUE;
  entry = json_node_get_object (json_array_get_element (links, (guint) at));
  old = json_object_ref (entry_transfer (links, (guint) at));
  fresh = summary_json (details);
  /* transfer/get has no subject: the one known stays */
  if (fm_transfer_get_subject (details) == NULL && fm_json_get_string (old, "subject") != NULL)
    json_object_set_string_member (fresh, "subject", fm_json_get_string (old, "subject"));
  json_object_set_object_member (entry, "transfer", fresh);
  return write_links (self, links, error);
}

gboolean
fm_link_history_forget (FmLinkHistory  *self,
                        const char     *server,
                        const char     *transfer_id,
                        GError        **error)
{
  gboolean newer;
  g_autoptr(JsonArray) links = read_links (self, &newer);
  int at = find (links, server, transfer_id);

  if (at < 0 || newer)
    return TRUE;
  json_array_remove_element (links, (guint) at);
  if (!write_links (self, links, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
fm_link_history_contains (FmLinkHistory *self,
                          const char    *server,
                          const char    *transfer_id)
{
  gboolean newer;
  g_autoptr(JsonArray) links = read_links (self, &newer);

  return find (links, server, transfer_id) >= 0;
}

/* The transfers opened on @server, newest first; each read as hostile
 * (fm_transfer_new_from_cache: the checks of a server's answer), an id
 * that is not one skipped. */
GListModel *
fm_link_history_list (FmLinkHistory *self,
                      const char    *server)
{
  gboolean newer;
  g_autoptr(JsonArray) links = read_links (self, &newer);
  GListStore *store = g_list_store_new (FM_TYPE_TRANSFER);

  for (guint i = 0; i < json_array_get_length (links) && i < FM_LINK_HISTORY_MAX; i++)
    {
      JsonObject *transfer = entry_transfer (links, i);
      JsonNode *node = json_array_get_element (links, i);
      g_autoptr(FmTransfer) t = NULL;

      if (transfer == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
          g_strcmp0 (fm_json_get_string (json_node_get_object (node), "server"), server) != 0 ||
          !fm_transfer_id_is_valid (fm_json_get_string (transfer, "id")) ||
          fm_json_get_array (transfer, "files") != NULL)
        continue;
      t = fm_transfer_new_from_cache (transfer, NULL);
      if (t != NULL)
        g_list_store_append (store, t);
    }
  return G_LIST_MODEL (store);
}

/* For the desktop's search: "link:ID" of each transfer opened on @server
 * that holds every term (fm_transfer_matches). */
GPtrArray *
fm_link_history_search (FmLinkHistory      *self,
                        const char         *server,
                        const char * const *terms)
{
  GPtrArray *results = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GListModel) list = NULL;
  g_auto(GStrv) folded = fm_transfer_fold_terms (terms);

  if (folded[0] == NULL)
    return results;
  list = fm_link_history_list (self, server);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);

      if (fm_transfer_matches (t, (const char * const *) folded))
        g_ptr_array_add (results, g_strdup_printf ("link:%s", fm_transfer_get_id (t)));
    }
  return results;
}

/* The remembered transfer @id names on @server, or NULL. */
FmTransfer *
fm_link_history_lookup (FmLinkHistory *self,
                        const char    *server,
                        const char    *id)
{
  g_autoptr(GListModel) list = fm_link_history_list (self, server);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);

      if (fm_transfer_id_equal (fm_transfer_get_id (t), id))
        return g_steal_pointer (&t);
    }
  return NULL;
}
