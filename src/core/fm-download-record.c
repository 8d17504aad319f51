/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-record.c: what was saved where (see fm-download-record.h) */
#define G_LOG_DOMAIN "fm-download-record"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "fm-state-file.h"
#include "fm-download-record.h"
#include "fm-json.h"

#define FORMAT_VERSION 1
#define MAX_FILE_SIZE  (16 * 1024 * 1024)

struct _FmDownloadRecord
{
  GObject     parent_instance;

  char       *path;
  JsonObject *files;   /* key -> { "path", "size", "time" }, as last read */
  gboolean    dirty;   /* added to since written */
  guint       save_id;
};

G_DEFINE_FINAL_TYPE (FmDownloadRecord, fm_download_record, G_TYPE_OBJECT)

static void
fm_download_record_finalize (GObject *object)
{
  FmDownloadRecord *self = FM_DOWNLOAD_RECORD (object);

  fm_download_record_flush (self);
  g_free (self->path);
  g_clear_pointer (&self->files, json_object_unref);
  G_OBJECT_CLASS (fm_download_record_parent_class)->finalize (object);
}

static void
fm_download_record_class_init (FmDownloadRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_download_record_finalize;
}

static void
fm_download_record_init (FmDownloadRecord *self)
{
}

FmDownloadRecord *
fm_download_record_new (const char *path)
{
  FmDownloadRecord *self = g_object_new (FM_TYPE_DOWNLOAD_RECORD, NULL);

  self->path = g_strdup (path);
  return self;
}

/* Read once; a missing, damaged, huge or newer file reads as empty: the
 * record is a convenience, never a reason to fail. */
static JsonObject *
files (FmDownloadRecord *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *list;
  gint64 version = 0;
  gsize length = 0;

  if (self->files != NULL)
    return self->files;
  if ((text = fm_state_file_read (self->path, MAX_FILE_SIZE, FM_STATE_FILE_NONE, &length, NULL)) != NULL)
    root = fm_json_parse_bounded (text, length, NULL);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  list = fm_json_get_object (object, "files");
  if (list != NULL && (!fm_json_get_int64 (object, "version", &version) || version <= FORMAT_VERSION))
    self->files = json_object_ref (list);
  else
    self->files = json_object_new ();
  return self->files;
}

static char *
key_for (const char *transfer_id,
         const char *file_id)
{
  return g_strdup_printf ("%s/%s", transfer_id != NULL ? transfer_id : "", file_id != NULL ? file_id : "");
}

/* Writes what was added since the last write, now. */
gboolean
fm_download_record_flush (FmDownloadRecord *self)
{
  g_autofree char *dir = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *list;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (!self->dirty)
    return TRUE;
  self->dirty = FALSE;
  list = files (self);
  fm_json_keep_newest (list, "time", FM_DOWNLOAD_RECORD_MAX);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "files");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), list));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  dir = g_path_get_dirname (self->path);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_message ("Cannot remember where downloads were saved: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
save_cb (gpointer data)
{
  FmDownloadRecord *self = data;

  self->save_id = 0;
  fm_download_record_flush (self);
  return G_SOURCE_REMOVE;
}

/* Remembers where a file was saved; written a second later (one write for
 * a burst of files), or at fm_download_record_flush(). */
void
fm_download_record_add (FmDownloadRecord  *self,
                        const char        *transfer_id,
                        const char        *file_id,
                        const char        *saved_path)
{
  g_autofree char *key = key_for (transfer_id, file_id);
  JsonObject *entry;
  struct stat st;

  if (saved_path == NULL || g_stat (saved_path, &st) != 0)
    return;   /* nothing there to remember */
  entry = json_object_new ();
  json_object_set_string_member (entry, "path", saved_path);
  json_object_set_int_member (entry, "size", st.st_size);
  json_object_set_int_member (entry, "time", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_object_member (files (self), key, entry);
  self->dirty = TRUE;
  if (self->save_id == 0)
    self->save_id = g_timeout_add_seconds (1, save_cb, self);
}

/* Where the file was saved, while it is still there as saved; else NULL. */
char *
fm_download_record_lookup (FmDownloadRecord *self,
                           const char       *transfer_id,
                           const char       *file_id)
{
  g_autofree char *key = key_for (transfer_id, file_id);
  JsonObject *entry = fm_json_get_object (files (self), key);
  const char *path = fm_json_get_string (entry, "path");
  gint64 size = -1;
  struct stat st;

  if (path == NULL || !g_path_is_absolute (path) || !fm_json_get_int64 (entry, "size", &size) ||
      lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != size)
    return NULL;
  return g_strdup (path);
}
