/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer.c: a Filemail transfer */
#define G_LOG_DOMAIN "fm-transfer"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-json.h"
#include "fm-transfer.h"
#include "fm-util.h"

struct _FmTransfer
{
  GObject     parent_instance;

  char       *id;
  char       *from;
  GStrv       to;
  char       *subject;
  char       *message;
  gint64      sent_date;
  gint64      expire_date;
  gint64      downloads;
  gboolean    notify;
  char       *status;
  char       *url;
  gint64      size;            /* -1: not known (a list item) */
  GListStore *files;
  gboolean    details_loaded;  /* transfer/get's answer is in */
  gboolean    recipients_known; /* "to" came from this computer's history */
};

G_DEFINE_FINAL_TYPE (FmTransfer, fm_transfer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FROM,
  PROP_TO,
  PROP_SUBJECT,
  PROP_MESSAGE,
  PROP_SENT_DATE,
  PROP_EXPIRE_DATE,
  PROP_DOWNLOADS,
  PROP_NOTIFY,
  PROP_STATUS,
  PROP_URL,
  PROP_SIZE,
  PROP_FILES,
  PROP_DETAILS_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fm_transfer_finalize (GObject *object)
{
  FmTransfer *self = FM_TRANSFER (object);

  g_free (self->id);
  g_free (self->from);
  g_strfreev (self->to);
  g_free (self->subject);
  g_free (self->message);
  g_free (self->status);
  g_free (self->url);
  g_clear_object (&self->files);
  G_OBJECT_CLASS (fm_transfer_parent_class)->finalize (object);
}

static void
fm_transfer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FmTransfer *self = FM_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_FROM: g_value_set_string (value, self->from); break;
    case PROP_TO: g_value_set_boxed (value, self->to); break;
    case PROP_SUBJECT: g_value_set_string (value, self->subject); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_SENT_DATE: g_value_set_int64 (value, self->sent_date); break;
    case PROP_EXPIRE_DATE: g_value_set_int64 (value, self->expire_date); break;
    case PROP_DOWNLOADS: g_value_set_int64 (value, self->downloads); break;
    case PROP_NOTIFY: g_value_set_boolean (value, self->notify); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_URL: g_value_set_string (value, self->url); break;
    case PROP_SIZE: g_value_set_int64 (value, self->size); break;
    case PROP_FILES: g_value_set_object (value, self->files); break;
    case PROP_DETAILS_LOADED: g_value_set_boolean (value, self->details_loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_transfer_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FmTransfer *self = FM_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_ID: fm_set_str (&self->id, g_value_get_string (value)); break;
    case PROP_FROM: fm_set_str (&self->from, g_value_get_string (value)); break;
    case PROP_TO:
      g_strfreev (self->to);
      self->to = g_value_dup_boxed (value);
      break;
    case PROP_SUBJECT: fm_transfer_set_subject (self, g_value_get_string (value)); break;
    case PROP_MESSAGE: fm_transfer_set_message (self, g_value_get_string (value)); break;
    case PROP_SENT_DATE: self->sent_date = g_value_get_int64 (value); break;
    case PROP_EXPIRE_DATE: fm_transfer_set_expire_date (self, g_value_get_int64 (value)); break;
    case PROP_DOWNLOADS: self->downloads = g_value_get_int64 (value); break;
    case PROP_NOTIFY: fm_transfer_set_notify (self, g_value_get_boolean (value)); break;
    case PROP_STATUS: fm_set_str (&self->status, g_value_get_string (value)); break;
    case PROP_URL: fm_set_str (&self->url, g_value_get_string (value)); break;
    case PROP_SIZE: self->size = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RW_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static GParamSpec *
string_prop (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, RW_FLAGS);
}

static GParamSpec *
int64_prop (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0, RW_FLAGS);
}

static void
fm_transfer_class_init (FmTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fm_transfer_finalize;
  object_class->get_property = fm_transfer_get_property;
  object_class->set_property = fm_transfer_set_property;

  properties[PROP_ID] = string_prop ("id");
  properties[PROP_FROM] = string_prop ("from");
  properties[PROP_TO] = g_param_spec_boxed ("to", NULL, NULL, G_TYPE_STRV, RW_FLAGS);
  properties[PROP_SUBJECT] = string_prop ("subject");
  properties[PROP_MESSAGE] = string_prop ("message");
  /* Dates are Unix time in seconds, whatever unit the server used. */
  properties[PROP_SENT_DATE] = int64_prop ("sent-date");
  properties[PROP_EXPIRE_DATE] = int64_prop ("expire-date");
  properties[PROP_DOWNLOADS] = int64_prop ("downloads");
  properties[PROP_NOTIFY] = g_param_spec_boolean ("notify", NULL, NULL, FALSE, RW_FLAGS);
  properties[PROP_STATUS] = string_prop ("status");
  properties[PROP_URL] = string_prop ("url");
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1, RW_FLAGS);
  properties[PROP_FILES] =
    g_param_spec_object ("files", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The lists carry no size, files, link or (received) sender: those
   * arrive with transfer/get, merged in by fm_transfer_merge_details(). */
  properties[PROP_DETAILS_LOADED] =
    g_param_spec_boolean ("details-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_transfer_init (FmTransfer *self)
{
  self->files = g_list_store_new (FM_TYPE_TRANSFER_FILE);
  self->size = -1;
}

static gboolean
parse_files (FmTransfer  *self,
             JsonObject  *object,
             GError     **error)
{
  JsonArray *files = fm_json_get_array (object, "files");
  gint64 sum = 0;
  gboolean all_known = TRUE;

  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonNode *node = json_array_get_element (files, i);
      g_autoptr(FmTransferFile) file = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, FM_ERROR, FM_ERROR_PROTOCOL,
                               "A transfer's file list holds something that is not a file");
          return FALSE;
        }
      file = fm_transfer_file_new_from_json (json_node_get_object (node), error);
      if (file == NULL)
        return FALSE;
      fm_transfer_file_set_transfer_id (file, self->id);
      if (fm_transfer_file_get_filesize (file) >= 0)
        sum += fm_transfer_file_get_filesize (file);
      else
        all_known = FALSE;
      g_list_store_append (self->files, file);
    }
  /* The sum stands in for a missing "size" only when there are files to
   * add up: a list item's "files": [] says nothing about the size. */
  if (self->size < 0 && g_list_model_get_n_items (G_LIST_MODEL (self->files)) > 0 && all_known)
    self->size = sum;
  return TRUE;
}

static gint64
parse_date (JsonObject *object,
            const char *member)
{
  gint64 value = 0;

  if (!fm_json_get_int64 (object, member, &value))
    return 0;
  return fm_json_timestamp_to_unix (value);
}

/* A transfer needs an id; the reference shows its status under "status"
 * (transfer/get) or "responsestatus" (sent/get, received/get). */
FmTransfer *
fm_transfer_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(FmTransfer) self = NULL;
  const char *id = fm_json_get_string (object, "id");
  const char *status = fm_json_get_string (object, "status");

  if (id == NULL || *id == '\0')
    id = fm_json_get_string (object, "transferid");
  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_PROTOCOL,
                           "The server sent a transfer without an \"id\"");
      return NULL;
    }
  if (status == NULL)
    status = fm_json_get_string (object, "responsestatus");

  self = g_object_new (FM_TYPE_TRANSFER, NULL);
  self->id = g_strdup (id);
  self->from = g_strdup (fm_json_get_string (object, "from"));
  /* No "to": the API never tells who a transfer went to (the reference's
   * examples carry no recipients); fm_transfer_set_recipients() gives what
   * this computer remembers. */
  self->subject = g_strdup (fm_json_get_string (object, "subject"));
  self->message = g_strdup (fm_json_get_string (object, "message"));
  self->sent_date = parse_date (object, "sentdate");
  self->expire_date = parse_date (object, "expiredate");
  fm_json_get_int64 (object, "downloads", &self->downloads);
  self->notify = fm_json_get_boolean (object, "notify", FALSE);
  self->status = g_strdup (status);
  self->url = g_strdup (fm_json_get_string (object, "url"));
  if (!fm_json_get_int64 (object, "size", &self->size) || self->size < 0)
    self->size = -1;
  if (!parse_files (self, object, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Whether two transfer ids name the same transfer. The reference's
 * transfer/get example answers "id": "qxrfkirjzwjvwbp" for
 * transferid=HGTUIJBGTRFGJPO: case does not tell transfers apart. */
gboolean
fm_transfer_id_equal (const char *a,
                      const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

const char *
fm_transfer_get_id (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->id;
}

const char *
fm_transfer_get_from (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->from;
}

const char * const *
fm_transfer_get_to (FmTransfer *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->to != NULL ? (const char * const *) self->to : none;
}

const char *
fm_transfer_get_subject (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->subject;
}

void
fm_transfer_set_subject (FmTransfer *self,
                         const char *subject)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  if (fm_set_str (&self->subject, subject))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

const char *
fm_transfer_get_message (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->message;
}

void
fm_transfer_set_message (FmTransfer *self,
                         const char *message)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  if (fm_set_str (&self->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

gint64
fm_transfer_get_sent_date (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), 0);
  return self->sent_date;
}

gint64
fm_transfer_get_expire_date (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), 0);
  return self->expire_date;
}

void
fm_transfer_set_expire_date (FmTransfer *self,
                             gint64      unix_time)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  if (self->expire_date == unix_time)
    return;
  self->expire_date = unix_time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRE_DATE]);
}

/* A transfer without an expiry date (0) never expires. */
gboolean
fm_transfer_is_expired (FmTransfer *self,
                        gint64      now_unix)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), FALSE);
  return self->expire_date > 0 && self->expire_date <= now_unix;
}

gint64
fm_transfer_get_downloads (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), 0);
  return self->downloads;
}

gboolean
fm_transfer_get_notify (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), FALSE);
  return self->notify;
}

void
fm_transfer_set_notify (FmTransfer *self,
                        gboolean    notify)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  if (self->notify == !!notify)
    return;
  self->notify = !!notify;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFY]);
}

const char *
fm_transfer_get_status (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->status;
}

const char *
fm_transfer_get_url (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return self->url;
}

gint64
fm_transfer_get_size (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), 0);
  return self->size;
}

GListModel *
fm_transfer_get_files (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), NULL);
  return G_LIST_MODEL (self->files);
}

gboolean
fm_transfer_get_details_loaded (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), FALSE);
  return self->details_loaded;
}

/* For the parser of transfer/get: this object is the full answer. */
void
fm_transfer_set_details_loaded (FmTransfer *self)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  if (self->details_loaded)
    return;
  self->details_loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS_LOADED]);
}

static void
take_string (FmTransfer  *self,
             char       **field,
             const char  *value,
             int          prop)
{
  if (value != NULL && fm_set_str (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
take_int64 (FmTransfer *self,
            gint64     *field,
            gint64      value,
            int         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* A list item learns what transfer/get said (@details): sender, files,
 * size, link, state and the counters. Its subject stays (transfer/get's
 * example has none); rows bound to it update through notify. */
void
fm_transfer_merge_details (FmTransfer *self,
                           FmTransfer *details)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (details->files);

  g_return_if_fail (FM_IS_TRANSFER (self) && FM_IS_TRANSFER (details));
  if (self == details)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  take_string (self, &self->from, details->from, PROP_FROM);
  take_string (self, &self->message, details->message, PROP_MESSAGE);
  take_string (self, &self->status, details->status, PROP_STATUS);
  take_string (self, &self->url, details->url, PROP_URL);
  if (details->subject != NULL)
    take_string (self, &self->subject, details->subject, PROP_SUBJECT);
  take_int64 (self, &self->size, details->size, PROP_SIZE);
  take_int64 (self, &self->downloads, details->downloads, PROP_DOWNLOADS);
  if (details->expire_date > 0)
    take_int64 (self, &self->expire_date, details->expire_date, PROP_EXPIRE_DATE);
  if (details->sent_date > 0)
    take_int64 (self, &self->sent_date, details->sent_date, PROP_SENT_DATE);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (files, g_list_model_get_item (model, i));
  g_list_store_splice (self->files, 0, g_list_model_get_n_items (G_LIST_MODEL (self->files)),
                       files->pdata, files->len);
  if (!self->details_loaded)
    {
      self->details_loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* Who the transfer went to, as this computer remembers it (the API never
 * says): an empty list means it was sent as a link only. */
void
fm_transfer_set_recipients (FmTransfer         *self,
                            const char * const *to)
{
  g_return_if_fail (FM_IS_TRANSFER (self));
  g_strfreev (self->to);
  self->to = g_strdupv ((char **) to);
  self->recipients_known = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TO]);
}

gboolean
fm_transfer_get_recipients_known (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), FALSE);
  return self->recipients_known;
}

guint
fm_transfer_get_n_files (FmTransfer *self)
{
  g_return_val_if_fail (FM_IS_TRANSFER (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->files));
}

/* The transfer in the reference's own shape (transfer/get's names, dates
 * in seconds), so fm_transfer_new_from_json() reads it back: for the
 * list cache. "detailsloaded" and "to" are this client's, not the API's. */
JsonObject *
fm_transfer_to_json (FmTransfer *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *files = json_array_new ();

  fm_json_set_string (object, "id", self->id);
  fm_json_set_string (object, "from", self->from);
  fm_json_set_string (object, "subject", self->subject);
  fm_json_set_string (object, "message", self->message);
  json_object_set_int_member (object, "sentdate", self->sent_date);
  json_object_set_int_member (object, "expiredate", self->expire_date);
  json_object_set_int_member (object, "downloads", self->downloads);
  json_object_set_boolean_member (object, "notify", self->notify);
  fm_json_set_string (object, "status", self->status);
  fm_json_set_string (object, "url", self->url);
  if (self->size >= 0)
    json_object_set_int_member (object, "size", self->size);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->files)); i++)
    {
      g_autoptr(FmTransferFile) file = g_list_model_get_item (G_LIST_MODEL (self->files), i);
      JsonObject *f = json_object_new ();

      fm_json_set_string (f, "fileid", fm_transfer_file_get_id (file));
      fm_json_set_string (f, "filename", fm_transfer_file_get_filename (file));
      json_object_set_int_member (f, "filesize", fm_transfer_file_get_filesize (file));
      fm_json_set_string (f, "downloadurl", fm_transfer_file_get_download_url (file));
      json_array_add_object_element (files, f);
    }
  json_object_set_array_member (object, "files", files);
  json_object_set_boolean_member (object, "detailsloaded", self->details_loaded);
  if (self->recipients_known && self->to != NULL)
    {
      JsonArray *to = json_array_new ();

      for (guint i = 0; self->to[i] != NULL; i++)
        json_array_add_string_element (to, self->to[i]);
      json_object_set_array_member (object, "to", to);
    }
  return object;
}

/* Read back from fm_transfer_to_json(): the same checks as an answer, and
 * what this client added. */
FmTransfer *
fm_transfer_new_from_cache (JsonObject  *object,
                            GError     **error)
{
  FmTransfer *self = fm_transfer_new_from_json (object, error);
  JsonArray *to = fm_json_get_array (object, "to");

  if (self == NULL)
    return NULL;
  self->details_loaded = fm_json_get_boolean (object, "detailsloaded", FALSE);
  if (to != NULL && json_array_get_length (to) <= 1000)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      for (guint i = 0; i < json_array_get_length (to); i++)
        {
          JsonNode *node = json_array_get_element (to, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
      list = g_strv_builder_end (builder);
      fm_transfer_set_recipients (self, (const char * const *) list);
    }
  return self;
}

/* What a transfer is called where it has no subject (transfer/get has
 * none: a transfer opened by its link): its folder ("Album" when every
 * file is in it), its one file, or its first file "and 2 more". NULL when
 * nothing is known. Server text: show it through fm_format_display_text. */
char *
fm_transfer_dup_title (FmTransfer *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  g_autoptr(FmTransferFile) first = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *top = NULL;
  gboolean shared;

  if (self->subject != NULL && *self->subject != '\0')
    return g_strdup (self->subject);
  if (n == 0)
    return NULL;
  first = g_list_model_get_item (G_LIST_MODEL (self->files), 0);
  parts = g_strsplit (fm_transfer_file_get_filename (first) ? fm_transfer_file_get_filename (first) : "", "/", 2);
  shared = parts[0] != NULL && parts[1] != NULL && *parts[0] != '\0';
  top = shared ? g_strconcat (parts[0], "/", NULL) : NULL;
  for (guint i = 1; shared && i < n; i++)
    {
      g_autoptr(FmTransferFile) f = g_list_model_get_item (G_LIST_MODEL (self->files), i);

      shared = g_str_has_prefix (fm_transfer_file_get_filename (f) ? fm_transfer_file_get_filename (f) : "", top);
    }
  if (shared)
    return g_strdup (parts[0]);
  {
    g_autofree char *base = g_path_get_basename (fm_transfer_file_get_filename (first) ? fm_transfer_file_get_filename (first) : "");

    if (n == 1)
      return g_steal_pointer (&base);
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u more", "%s and %u more", n - 1), base, n - 1);
  }
}

/* ------------------------------------------------------------- search */

/* A search's words, case-folded, the empty ones left out. */
GStrv
fm_transfer_fold_terms (const char * const *terms)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; terms != NULL && terms[i] != NULL; i++)
    if (*terms[i] != '\0')
      {
        g_autofree char *term = g_utf8_casefold (terms[i], -1);
        g_strv_builder_add (builder, term);
      }
  return g_strv_builder_end (builder);
}

static gboolean
contains_casefolded (const char *haystack,
                     const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

/* Every term (fm_transfer_fold_terms) in the id, the subject, the sender,
 * a recipient or a file name: the desktop's search of the lists and of
 * what was opened by link. */
gboolean
fm_transfer_matches (FmTransfer         *self,
                     const char * const *folded_terms)
{
  for (guint i = 0; folded_terms[i] != NULL; i++)
    {
      const char *term = folded_terms[i];
      GListModel *files = G_LIST_MODEL (self->files);
      gboolean found = contains_casefolded (self->id, term) || contains_casefolded (self->subject, term) ||
                       contains_casefolded (self->from, term);

      for (const char * const *to = fm_transfer_get_to (self); !found && *to != NULL; to++)
        found = contains_casefolded (*to, term);
      for (guint f = 0; !found && f < g_list_model_get_n_items (files); f++)
        {
          g_autoptr(FmTransferFile) file = g_list_model_get_item (files, f);
          found = contains_casefolded (fm_transfer_file_get_filename (file), term);
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}
