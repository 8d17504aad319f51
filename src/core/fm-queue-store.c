/* fm-queue-store.c: unfinished uploads on disk */
#define G_LOG_DOMAIN "fm-queue-store"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-config.h"
#include "fm-queue-store.h"

struct _FmQueueStore
{
  GObject    parent_instance;

  char      *path;
  gboolean   writing;
  char      *pending;     /* the next text to write, if a write is running */
  GPtrArray *flushes;     /* GTask waiting for the writes to settle */
  GError    *last_error;
};

G_DEFINE_FINAL_TYPE (FmQueueStore, fm_queue_store, G_TYPE_OBJECT)

static void
fm_queue_store_finalize (GObject *object)
{
  FmQueueStore *self = FM_QUEUE_STORE (object);

  g_free (self->path);
  g_free (self->pending);
  g_ptr_array_unref (self->flushes);
  g_clear_error (&self->last_error);
  G_OBJECT_CLASS (fm_queue_store_parent_class)->finalize (object);
}

static void
fm_queue_store_class_init (FmQueueStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fm_queue_store_finalize;
}

static void
fm_queue_store_init (FmQueueStore *self)
{
  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
}

FmQueueStore *
fm_queue_store_new (const char *path)
{
  FmQueueStore *self = g_object_new (FM_TYPE_QUEUE_STORE, NULL);

  self->path = g_strdup (path);
  return self;
}

FmQueueStore *
fm_queue_store_new_default (void)
{
  g_autofree char *dir = fm_config_get_state_dir ();
  g_autofree char *path = g_build_filename (dir, "queue.json", NULL);

  return fm_queue_store_new (path);
}

const char *
fm_queue_store_get_path (FmQueueStore *self)
{
  return self->path;
}

/* An empty array when there is no file yet. */
JsonArray *
fm_queue_store_load (FmQueueStore  *self,
                     GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, self->path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_array_new ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The list of unfinished uploads (%s) cannot be read: %s"),
                   self->path, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || !json_object_has_member (object, "jobs") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "jobs")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The list of unfinished uploads (%s) is damaged."), self->path);
      return NULL;
    }
  return json_array_ref (json_object_get_array_member (object, "jobs"));
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FmQueueStore *self = source_object;
  const char *text = task_data;
  g_autofree char *dir = g_path_get_dirname (self->path);
  GError *error = NULL;

  g_mkdir_with_parents (dir, 0700);
  /* CONSISTENT: after a crash the old or the new file, never a mix. */
  if (!g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

static void start_write (FmQueueStore *self, char *text);

static void
settle_flushes (FmQueueStore *self)
{
  g_autoptr(GPtrArray) flushes = g_steal_pointer (&self->flushes);

  self->flushes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < flushes->len; i++)
    {
      if (self->last_error != NULL)
        g_task_return_error (flushes->pdata[i], g_error_copy (self->last_error));
      else
        g_task_return_boolean (flushes->pdata[i], TRUE);
    }
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FmQueueStore *self = FM_QUEUE_STORE (source);
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  g_clear_error (&self->last_error);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Cannot save unfinished uploads to %s: %s", self->path, error->message);
      self->last_error = g_steal_pointer (&error);
    }
  if (self->pending != NULL)
    return start_write (self, g_steal_pointer (&self->pending));
  settle_flushes (self);
}

static void
start_write (FmQueueStore *self,
             char         *text)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, write_done_cb, NULL);

  self->writing = TRUE;
  g_task_set_source_tag (task, start_write);
  g_task_set_task_data (task, text, g_free);
  g_task_run_in_thread (task, write_thread);
}

/* Serialises now (on the caller's thread, from the caller's snapshot) and
 * writes soon. */
void
fm_queue_store_save (FmQueueStore *self,
                     JsonArray    *jobs)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_object_set_int_member (root, "version", 1);
  json_object_set_array_member (root, "jobs", json_array_ref (jobs));
  json_node_set_object (node, root);
  text = json_to_string (node, TRUE);
  if (self->writing)
    {
      g_free (self->pending);
      self->pending = text;
      return;
    }
  start_write (self, text);
}

gboolean
fm_queue_store_is_idle (FmQueueStore *self)
{
  return !self->writing && self->pending == NULL;
}

/* Completes once every save made so far is on disk. */
void
fm_queue_store_flush_async (FmQueueStore        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_queue_store_flush_async);
  if (fm_queue_store_is_idle (self))
    return g_task_return_boolean (task, TRUE);
  g_ptr_array_add (self->flushes, g_steal_pointer (&task));
}

gboolean
fm_queue_store_flush_finish (FmQueueStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
