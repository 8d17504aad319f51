/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-file.c: one file of a Filemail transfer */
#define G_LOG_DOMAIN "fm-transfer-file"

#include "fm-error.h"
#include "fm-json.h"
#include "fm-transfer-file.h"
#include "fm-util.h"

struct _FmTransferFile
{
  GObject parent_instance;

  char   *id;
  char   *filename;
  gint64  filesize;     /* -1: unknown */
  char   *transfer_id;
  char   *download_url;
  char   *small_preview;
  char   *large_preview;
};

G_DEFINE_FINAL_TYPE (FmTransferFile, fm_transfer_file, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FILENAME,
  PROP_FILESIZE,
  PROP_DOWNLOAD_URL,
  PROP_SMALL_PREVIEW,
  PROP_LARGE_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fm_transfer_file_finalize (GObject *object)
{
  FmTransferFile *self = FM_TRANSFER_FILE (object);

  g_free (self->id);
  g_free (self->filename);
  g_free (self->download_url);
  g_free (self->small_preview);
  g_free (self->large_preview);
  g_free (self->transfer_id);
  G_OBJECT_CLASS (fm_transfer_file_parent_class)->finalize (object);
}

static void
fm_transfer_file_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FmTransferFile *self = FM_TRANSFER_FILE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_FILENAME: g_value_set_string (value, self->filename); break;
    case PROP_FILESIZE: g_value_set_int64 (value, self->filesize); break;
    case PROP_DOWNLOAD_URL: g_value_set_string (value, self->download_url); break;
    case PROP_SMALL_PREVIEW: g_value_set_string (value, self->small_preview); break;
    case PROP_LARGE_PREVIEW: g_value_set_string (value, self->large_preview); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_transfer_file_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FmTransferFile *self = FM_TRANSFER_FILE (object);

  switch (prop_id)
    {
    case PROP_ID: fm_set_str (&self->id, g_value_get_string (value)); break;
    case PROP_FILENAME: fm_transfer_file_set_filename (self, g_value_get_string (value)); break;
    case PROP_FILESIZE: self->filesize = g_value_get_int64 (value); break;
    case PROP_DOWNLOAD_URL: fm_set_str (&self->download_url, g_value_get_string (value)); break;
    case PROP_SMALL_PREVIEW: fm_set_str (&self->small_preview, g_value_get_string (value)); break;
    case PROP_LARGE_PREVIEW: fm_set_str (&self->large_preview, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_prop (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static void
fm_transfer_file_class_init (FmTransferFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fm_transfer_file_finalize;
  object_class->get_property = fm_transfer_file_get_property;
  object_class->set_property = fm_transfer_file_set_property;

  properties[PROP_ID] = string_prop ("id");
  properties[PROP_FILENAME] = string_prop ("filename");
  properties[PROP_FILESIZE] =
    g_param_spec_int64 ("filesize", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOWNLOAD_URL] = string_prop ("download-url");
  properties[PROP_SMALL_PREVIEW] = string_prop ("small-preview");
  properties[PROP_LARGE_PREVIEW] = string_prop ("large-preview");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_transfer_file_init (FmTransferFile *self)
{
}

/* A file needs an id (fileid) to be acted on; everything else is optional
 * and defaults to empty, because the server omits what it does not know. */
FmTransferFile *
fm_transfer_file_new_from_json (JsonObject  *object,
                                GError     **error)
{
  const char *id = fm_json_get_string (object, "fileid");
  gint64 size = -1;

  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_PROTOCOL,
                           "The server sent a file without a \"fileid\"");
      return NULL;
    }
  /* A missing or negative size is unknown (-1), not 0: the file is still
   * downloadable, its end is where the stream ends. */
  if (!fm_json_get_int64 (object, "filesize", &size) || size < 0)
    size = -1;
  return g_object_new (FM_TYPE_TRANSFER_FILE,
                       "id", id,
                       "filename", fm_json_get_string (object, "filename"),
                       "filesize", size,
                       "download-url", fm_json_get_string (object, "downloadurl"),
                       "small-preview", fm_json_get_string (object, "smallpreview"),
                       "large-preview", fm_json_get_string (object, "largepreview"),
                       NULL);
}

/* The transfer this file belongs to, set by the transfer that parsed it. */
const char *
fm_transfer_file_get_transfer_id (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->transfer_id;
}

void
fm_transfer_file_set_transfer_id (FmTransferFile *self,
                                  const char     *transfer_id)
{
  g_return_if_fail (FM_IS_TRANSFER_FILE (self));
  g_free (self->transfer_id);
  self->transfer_id = g_strdup (transfer_id);
}

const char *
fm_transfer_file_get_id (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->id;
}

const char *
fm_transfer_file_get_filename (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->filename != NULL ? self->filename : "";
}

void
fm_transfer_file_set_filename (FmTransferFile *self,
                               const char     *filename)
{
  g_return_if_fail (FM_IS_TRANSFER_FILE (self));
  if (fm_set_str (&self->filename, filename))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILENAME]);
}

gint64
fm_transfer_file_get_filesize (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), 0);
  return self->filesize;
}

const char *
fm_transfer_file_get_download_url (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->download_url;
}

const char *
fm_transfer_file_get_small_preview (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->small_preview;
}

const char *
fm_transfer_file_get_large_preview (FmTransferFile *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER_FILE (self), NULL);
  return self->large_preview;
}
