/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-sent-history.c: whom transfers sent from this computer went to */
#define G_LOG_DOMAIN "fm-sent-history"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "fm-state-file.h"
#include "fm-json.h"
#include "fm-sent-history.h"
#include "fm-transfer.h"

#define FORMAT_VERSION 1
#define MAX_FILE_SIZE  (16 * 1024 * 1024)

struct _FmSentHistory
{
  GObject     parent_instance;

  char       *path;
  JsonObject *transfers;   /* id -> { "to": [...], "time": n }, as last read */
  gint64      read_mtime;   /* the file's mtime (ns) + size when read; -1: read again */
};

G_DEFINE_FINAL_TYPE (FmSentHistory, fm_sent_history, G_TYPE_OBJECT)

static void
fm_sent_history_finalize (GObject *object)
{
  FmSentHistory *self = FM_SENT_HISTORY (object);

  g_free (self->path);
  g_clear_pointer (&self->transfers, json_object_unref);
  G_OBJECT_CLASS (fm_sent_history_parent_class)->finalize (object);
}

static void
fm_sent_history_class_init (FmSentHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_sent_history_finalize;
}

static void
fm_sent_history_init (FmSentHistory *self)
{
  self->read_mtime = -1;
}

FmSentHistory *
fm_sent_history_new (const char *path)
{
  FmSentHistory *self = g_object_new (FM_TYPE_SENT_HISTORY, NULL);

  self->path = g_strdup (path);
  return self;
}

/* Beside the saved uploads: $XDG_STATE_HOME/filemail/sent-history.json */
FmSentHistory *
fm_sent_history_new_default (void)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), "filemail", "sent-history.json", NULL);

  return fm_sent_history_new (path);
}

const char *
fm_sent_history_get_path (FmSentHistory *self)
{
  return self->path;
}

/* Reads the file again when another process (the app, a `filemail send`)
 * changed it. A missing, damaged or newer-format file reads as empty: the
 * history is a convenience, never a reason to fail. */
static JsonObject *
transfers (FmSentHistory *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *list;
  gint64 version = 0;
  struct stat st;
  gint64 stamp = 0;

  gsize length = 0;

  /* nanoseconds and size: another process's write in the same second shows */
  if (fm_state_file_check (self->path, MAX_FILE_SIZE, FM_STATE_FILE_NONE, &st, NULL))
    stamp = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec + st.st_size;
  if (self->transfers != NULL && stamp == self->read_mtime)
    return self->transfers;
  g_clear_pointer (&self->transfers, json_object_unref);
  self->read_mtime = stamp;
  if (stamp != 0 && (text = fm_state_file_read (self->path, MAX_FILE_SIZE, FM_STATE_FILE_NONE, &length, NULL)) != NULL)
    root = fm_json_parse_bounded (text, length, NULL);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  list = fm_json_get_object (object, "transfers");
  if (list != NULL && (!fm_json_get_int64 (object, "version", &version) || version <= FORMAT_VERSION))
    self->transfers = json_object_ref (list);
  else
    self->transfers = json_object_new ();
  return self->transfers;
}

static gboolean
save_list (FmSentHistory  *self,
           JsonObject     *list,
           GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);

  fm_json_keep_newest (list, "time", FM_SENT_HISTORY_MAX);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "transfers");
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, list);
  json_builder_add_value (builder, g_steal_pointer (&root));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  self->read_mtime = -1;   /* read back what is on disk next time */
  return TRUE;
}

/* Send Again replaced @transfer_id and the server did not take its
 * cancel: it stays there unfinished, and this computer says why. */
gboolean
fm_sent_history_mark_replaced (FmSentHistory  *self,
                               const char     *transfer_id,
                               GError        **error)
{
  JsonObject *list = transfers (self);
  g_autofree char *key = g_ascii_strup (transfer_id, -1);
  JsonObject *entry = fm_json_get_object (list, key);

  if (entry == NULL)
    {
      entry = json_object_new ();
      json_object_set_array_member (entry, "to", json_array_new ());
      json_object_set_int_member (entry, "time", g_get_real_time () / G_USEC_PER_SEC);
      json_object_set_object_member (list, key, entry);
    }
  json_object_set_boolean_member (entry, "replaced", TRUE);
  return save_list (self, list, error);
}

gboolean
fm_sent_history_is_replaced (FmSentHistory *self,
                             const char    *transfer_id)
{
  g_autofree char *key = transfer_id != NULL ? g_ascii_strup (transfer_id, -1) : NULL;
  JsonObject *entry = key != NULL ? fm_json_get_object (transfers (self), key) : NULL;

  return entry != NULL && fm_json_get_boolean (entry, "replaced", FALSE);
}

/* Remembers that @transfer_id went to @to (a comma-separated list as the
 * API takes it; NULL or "" for a link only). */
gboolean
fm_sent_history_add (FmSentHistory  *self,
                     const char     *transfer_id,
                     const char     *to,
                     GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (to != NULL ? to : "", ",", -1);
  JsonObject *list = transfers (self);
  JsonObject *entry = json_object_new ();
  JsonArray *array = json_array_new ();
  g_autofree char *key = g_ascii_strup (transfer_id, -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      json_array_add_string_element (array, parts[i]);
  json_object_set_array_member (entry, "to", array);
  json_object_set_int_member (entry, "time", g_get_real_time () / G_USEC_PER_SEC);
  /* ids are compared as the reference allows: its transfer/get answers
   * "qxrfkirjzwjvwbp" for HGTUIJBGTRFGJPO */
  json_object_set_object_member (list, key, entry);
  return save_list (self, list, error);
}

/* A forward from this computer adds recipients to a transfer it sent
 * (the API's forward does the same on the server). A transfer sent from
 * elsewhere stays unknown: a part of its recipients is not the list. */
gboolean
fm_sent_history_add_recipients (FmSentHistory  *self,
                                const char     *transfer_id,
                                const char     *to,
                                GError        **error)
{
  g_auto(GStrv) known = fm_sent_history_lookup (self, transfer_id);
  g_autofree char *joined = NULL;
  g_autofree char *all = NULL;

  if (known == NULL)
    return TRUE;
  joined = g_strjoinv (",", known);
  all = *joined ? g_strconcat (joined, ",", to, NULL) : g_strdup (to);
  return fm_sent_history_add (self, transfer_id, all, error);
}

static GStrv
recipients_of (JsonObject *list,
               const char *transfer_id)
{
  g_autofree char *key = transfer_id != NULL ? g_ascii_strup (transfer_id, -1) : NULL;
  /* keys of older files are as initialize gave them */
  JsonObject *entry = key != NULL ? fm_json_get_object (list, key) : NULL;
  JsonArray *to = NULL;

  if (entry == NULL && transfer_id != NULL)
    entry = fm_json_get_object (list, transfer_id);
  to = fm_json_get_array (entry, "to");
  g_autoptr(GStrvBuilder) builder = NULL;

  if (entry == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; to != NULL && i < json_array_get_length (to); i++)
    {
      JsonNode *node = json_array_get_element (to, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/* The recipients of @transfer_id, or NULL when it was not sent from here
 * (an empty vector: sent as a link only). */
GStrv
fm_sent_history_lookup (FmSentHistory *self,
                        const char    *transfer_id)
{
  return recipients_of (transfers (self), transfer_id);
}

/* Gives every transfer of @list that was sent from here its recipients:
 * the file is looked at once, however long the list. */
void
fm_sent_history_apply (FmSentHistory *self,
                       GListModel    *list)
{
  JsonObject *known = transfers (self);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FmTransfer) t = g_list_model_get_item (list, i);
      g_auto(GStrv) to = recipients_of (known, fm_transfer_get_id (t));

      if (to != NULL)
        fm_transfer_set_recipients (t, (const char * const *) to);
    }
}
