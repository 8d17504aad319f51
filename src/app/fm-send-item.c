/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-send-item.c: a file or folder picked for the next transfer
 *
 * Its size (a folder's: all its files) is counted in a worker by the same
 * scanner the upload uses, so a problem (an unreadable file, a loop) shows
 * on the row before the user presses Send. The items of one pick or drop
 * are counted together (fm_send_items_new).
 */
#define G_LOG_DOMAIN "fm-send-item"

#include <glib/gi18n.h>

#include "fm-send-item.h"
#include "fm-upload-scan.h"

struct _FmSendItem
{
  GObject       parent_instance;

  GFile        *file;
  char         *name;
  gint64        size;       /* -1 while counting */
  guint         n_files;
  GIcon        *icon;
  char         *problem;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (FmSendItem, fm_send_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_SIZE,
  PROP_N_FILES,
  PROP_PROBLEM,
  PROP_ICON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fm_send_item_dispose (GObject *object)
{
  FmSendItem *self = FM_SEND_ITEM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (fm_send_item_parent_class)->dispose (object);
}

static void
fm_send_item_finalize (GObject *object)
{
  FmSendItem *self = FM_SEND_ITEM (object);

  g_clear_object (&self->file);
  g_clear_object (&self->icon);
  g_free (self->name);
  g_free (self->problem);
  G_OBJECT_CLASS (fm_send_item_parent_class)->finalize (object);
}

static void
fm_send_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmSendItem *self = FM_SEND_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SIZE: g_value_set_int64 (value, self->size); break;
    case PROP_N_FILES: g_value_set_uint (value, self->n_files); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    case PROP_ICON: g_value_set_object (value, self->icon); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_send_item_class_init (FmSendItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fm_send_item_dispose;
  object_class->finalize = fm_send_item_finalize;
  object_class->get_property = fm_send_item_get_property;
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_N_FILES] = g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, flags);
  properties[PROP_ICON] = g_param_spec_object ("icon", NULL, NULL, G_TYPE_ICON, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_send_item_init (FmSendItem *self)
{
  self->size = -1;
  self->cancellable = g_cancellable_new ();
}

/* What counting one item found, set on it back in the main thread. */
static void
set_counted (FmSendItem *self,
             GPtrArray  *files,
             GError     *error)
{
  gboolean had_problem = self->problem != NULL;

  self->size = 0;
  if (files == NULL)
    self->problem = g_strdup (error->message);
  else
    {
      self->n_files = files->len;
      for (guint i = 0; i < files->len; i++)
        self->size += ((FmUploadFile *) files->pdata[i])->size;
    }
  /* "size" last: who listens to it reads the others */
  if (self->n_files > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES]);
  if (!had_problem && self->problem != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

/* ------------------------------------------------------------ counting */

/* The items of one pick or drop, looked at by one worker in two passes:
 * what each is (a folder or a file: its icon, in milliseconds), then its
 * size (a folder's: every file in it, which may take minutes). 20,000
 * files picked at once are two tasks and two answers, not 20,000 of each
 * (each answer is a main-loop dispatch), and no stat() on the main
 * thread. */
typedef struct {
  GPtrArray  *items;     /* FmSendItem */
  GPtrArray  *paths;     /* their paths */
  GArray     *is_dir;    /* gboolean per item, from the first pass */
  GPtrArray  *found;     /* per item: GPtrArray of FmUploadFile, or NULL */
  GPtrArray  *errors;    /* per item: GError, or NULL */
  GWeakRef    owner;
  FmSendItemsCounted counted;
} Batch;

static void
free_found (gpointer files)
{
  if (files != NULL)
    g_ptr_array_unref (files);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
batch_clear (Batch *batch)
{
  g_ptr_array_unref (batch->items);
  g_ptr_array_unref (batch->paths);
  g_array_unref (batch->is_dir);
  g_ptr_array_unref (batch->found);
  g_ptr_array_unref (batch->errors);
  g_weak_ref_clear (&batch->owner);
}

static void
batch_release (gpointer batch)
{
  g_atomic_rc_box_release_full (batch, (GDestroyNotify) batch_clear);
}

static void
look_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Batch *batch = task_data;

  for (guint i = 0; i < batch->paths->len; i++)
    {
      gboolean dir = g_file_test (batch->paths->pdata[i], G_FILE_TEST_IS_DIR);

      g_array_append_val (batch->is_dir, dir);
    }
  g_task_return_boolean (task, TRUE);
}

static void
count_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Batch *batch = task_data;

  for (guint i = 0; i < batch->items->len; i++)
    {
      FmSendItem *item = batch->items->pdata[i];
      const char *paths[] = { batch->paths->pdata[i], NULL };
      GError *error = NULL;
      GPtrArray *files = NULL;

      if (!g_cancellable_is_cancelled (item->cancellable))
        files = fm_upload_scan_sync (paths, item->cancellable, &error);
      g_ptr_array_add (batch->found, files);
      g_ptr_array_add (batch->errors, error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Batch *batch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GObject) owner = g_weak_ref_get (&batch->owner);

  for (guint i = 0; i < batch->items->len; i++)
    {
      FmSendItem *item = batch->items->pdata[i];
      GError *error = batch->errors->pdata[i];

      if (g_cancellable_is_cancelled (item->cancellable) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        continue;
      if (batch->found->pdata[i] == NULL && error == NULL)
        continue;
      set_counted (item, batch->found->pdata[i], error);
    }
  if (owner != NULL && batch->counted != NULL)
    batch->counted (owner);
}

static GIcon *
shared_icon (gboolean folder)
{
  static GIcon *icons[2];

  if (icons[folder] == NULL)
    icons[folder] = g_themed_icon_new (folder ? "folder-symbolic" : "text-x-generic-symbolic");
  return icons[folder];
}

static void
look_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Batch *batch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) task = NULL;

  for (guint i = 0; i < batch->items->len; i++)
    {
      FmSendItem *item = batch->items->pdata[i];

      g_set_object (&item->icon, shared_icon (g_array_index (batch->is_dir, gboolean, i)));
      g_object_notify_by_pspec (G_OBJECT (item), properties[PROP_ICON]);
    }
  task = g_task_new (NULL, NULL, count_done_cb, NULL);
  g_task_set_source_tag (task, fm_send_items_new);
  g_task_set_task_data (task, g_atomic_rc_box_acquire (batch), batch_release);
  g_task_run_in_thread (task, count_thread);
}

static FmSendItem *
item_new (GFile *file,
          char **path)
{
  FmSendItem *self = g_object_new (FM_TYPE_SEND_ITEM, NULL);

  *path = g_file_get_path (file);
  self->file = g_object_ref (file);
  self->name = g_file_get_basename (file);
  self->icon = g_object_ref (shared_icon (FALSE));
  if (*path == NULL)
    {
      /* not a local file (an sftp:// URI without FUSE): nothing can read it */
      self->problem = g_strdup (_("Only files on this computer can be sent."));
      self->size = 0;
    }
  return self;
}

/* Items for @files, each counted (a folder: all its files) in a worker
 * that tells each item when it has its icon and its size, and then
 * @counted (if @owner is still there) once for them all. */
GPtrArray *
fm_send_items_new (GFile              **files,
                   guint                n_files,
                   GObject             *owner,
                   FmSendItemsCounted   counted)
{
  GPtrArray *items = g_ptr_array_new_full (n_files, g_object_unref);
  Batch *batch = g_atomic_rc_box_new0 (Batch);
  g_autoptr(GTask) task = NULL;

  batch->items = g_ptr_array_new_with_free_func (g_object_unref);
  batch->paths = g_ptr_array_new_with_free_func (g_free);
  batch->is_dir = g_array_new (FALSE, FALSE, sizeof (gboolean));
  batch->found = g_ptr_array_new_with_free_func (free_found);
  batch->errors = g_ptr_array_new_with_free_func (free_error);
  g_weak_ref_init (&batch->owner, owner);
  batch->counted = counted;
  for (guint i = 0; i < n_files; i++)
    {
      char *path = NULL;
      FmSendItem *item = item_new (files[i], &path);

      g_ptr_array_add (items, item);
      if (path != NULL)
        {
          g_ptr_array_add (batch->items, g_object_ref (item));
          g_ptr_array_add (batch->paths, path);
        }
    }
  if (batch->items->len == 0)
    {
      batch_release (batch);
      return items;
    }
  task = g_task_new (NULL, NULL, look_done_cb, NULL);
  g_task_set_source_tag (task, fm_send_items_new);
  g_task_set_task_data (task, batch, batch_release);
  g_task_run_in_thread (task, look_thread);
  return items;
}

GFile *
fm_send_item_get_file (FmSendItem *self)
{
  return self->file;
}

const char *
fm_send_item_get_name (FmSendItem *self)
{
  return self->name;
}

gint64
fm_send_item_get_size (FmSendItem *self)
{
  return self->size;
}

guint
fm_send_item_get_n_files (FmSendItem *self)
{
  return self->n_files;
}

GIcon *
fm_send_item_get_icon (FmSendItem *self)
{
  return self->icon;
}

const char *
fm_send_item_get_problem (FmSendItem *self)
{
  return self->problem;
}
