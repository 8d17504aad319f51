/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-send-item.c: a file or folder picked for the next transfer
 *
 * Its size (a folder's: all its files) is counted in a worker by the same
 * scanner the upload uses, so a problem (an unreadable file, a loop) shows
 * on the row before the user presses Send.
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
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_send_item_init (FmSendItem *self)
{
  self->size = -1;
  self->cancellable = g_cancellable_new ();
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FmSendItem) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = fm_upload_scan_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (files == NULL)
    {
      self->problem = g_strdup (error->message);
      self->size = 0;
    }
  else
    {
      self->size = 0;
      self->n_files = files->len;
      for (guint i = 0; i < files->len; i++)
        self->size += ((FmUploadFile *) files->pdata[i])->size;
    }
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FILES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  g_object_thaw_notify (G_OBJECT (self));
}

FmSendItem *
fm_send_item_new (GFile *file)
{
  FmSendItem *self = g_object_new (FM_TYPE_SEND_ITEM, NULL);
  g_autofree char *path = g_file_get_path (file);
  const char *paths[] = { path, NULL };

  self->file = g_object_ref (file);
  self->name = g_file_get_basename (file);
  if (path == NULL)
    {
      /* not a local file (an sftp:// URI without FUSE): nothing can read it */
      self->problem = g_strdup (_("Only files on this computer can be sent."));
      self->size = 0;
      return self;
    }
  self->icon = g_file_test (path, G_FILE_TEST_IS_DIR)
               ? g_themed_icon_new ("folder-symbolic") : g_themed_icon_new ("text-x-generic-symbolic");
  fm_upload_scan_async (paths, self->cancellable, scan_done_cb, g_object_ref (self));
  return self;
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
