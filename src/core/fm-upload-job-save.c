/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-upload-job-save.c: FmUploadJob between runs and between processes
 *
 * The saved JSON ("version": 1; every field checked on the way in, a
 * damaged or newer file refused with a sentence, never a crash) and the
 * one-owner lock (an flock on <lock dir>/<id>.lock).
 */
#define G_LOG_DOMAIN "fm-upload-job"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-chunk-io.h"
#include "fm-chunk-plan.h"
#include "fm-error.h"
#include "fm-http.h"
#include "fm-json.h"
#include "fm-upload-job-private.h"
#include "fm-upload-scan.h"

/* ---------------------------------------------------------- ownership */

static char *
lock_path (FmUploadJob *self)
{
  g_autofree char *name = g_strconcat (self->id, ".lock", NULL);

  return g_build_filename (self->lock_dir, name, NULL);
}

void
_fm_upload_job_release_claim (FmUploadJob *self,
               gboolean     remove)
{
  if (self->lock_fd < 0)
    return;
  if (remove)
    {
      g_autofree char *path = lock_path (self);
      g_unlink (path);
    }
  close (self->lock_fd);
  self->lock_fd = -1;
}

/* Two processes (the app and `filemail resume`, or two `resume`s) must not
 * run the same saved upload: both would send every chunk, and the loser's
 * complete would fail and leave a failed job behind. Whoever holds the
 * job's lock owns it until the job is done or the process ends (the kernel
 * drops a dead process's lock, so a crash never leaves a job stuck). */
gboolean
fm_upload_job_claim (FmUploadJob  *self,
                     GError      **error)
{
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (FM_IS_UPLOAD_JOB (self), FALSE);
  if (self->lock_dir == NULL || self->lock_fd >= 0)
    return TRUE;
  g_mkdir_with_parents (self->lock_dir, 0700);
  path = lock_path (self);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_FILE_UNREADABLE, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error (error, FM_ERROR, FM_ERROR_BUSY,
                   _("Another Filemail program on this computer is sending this upload right now."));
      return FALSE;
    }
  self->lock_fd = fd;
  return TRUE;
}

/* Whether this process may write the job's state: it owns it, or no
 * lock directory is in use (no store). */
gboolean
fm_upload_job_holds_claim (FmUploadJob *self)
{
  return self->lock_dir == NULL || self->lock_fd >= 0;
}

void
fm_upload_job_set_lock_directory (FmUploadJob *self,
                                  const char  *directory)
{
  g_return_if_fail (self->lock_fd < 0);
  g_free (self->lock_dir);
  self->lock_dir = g_strdup (directory);
}

/* ---------------------------------------------------------------- JSON */

static JsonObject *
options_to_json (const FmTransferOptions *o,
                 gboolean                 with_password)
{
  JsonObject *object = json_object_new ();

  fm_json_set_string (object, "to", o->to);
  fm_json_set_string (object, "from", o->from);
  fm_json_set_string (object, "subject", o->subject);
  fm_json_set_string (object, "message", o->message);
  /* The password is needed by initialize alone (and, in this process, to
   * ask transfer/get after a lost complete): once the transfer exists the
   * saved job carries none, so it lies on disk at most until the first
   * request succeeds. */
  if (with_password)
    fm_json_set_string (object, "password", o->password);
  json_object_set_int_member (object, "days", o->days);
  if (o->notify >= 0)
    json_object_set_boolean_member (object, "notify", o->notify);
  if (o->confirmation >= 0)
    json_object_set_boolean_member (object, "confirmation", o->confirmation);
  return object;
}

static JsonObject *
file_to_json (FmUploadFile *file)
{
  JsonObject *object = json_object_new ();
  g_autofree char *uri = g_filename_to_uri (file->path, NULL, NULL);
  g_autofree char *acked = file->acked ? fm_chunk_set_to_string (file->acked) : NULL;

  /* A URI keeps any byte of a non-UTF-8 path intact inside JSON. */
  fm_json_set_string (object, "uri", uri);
  fm_json_set_string (object, "name", file->name);
  json_object_set_int_member (object, "size", file->size);
  json_object_set_int_member (object, "mtime", file->mtime_us);
  fm_json_set_string (object, "acked", acked);
  return object;
}

static JsonArray *
paths_to_json (GStrv paths)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *uri = g_filename_to_uri (paths[i], NULL, NULL);

      if (uri != NULL)
        json_array_add_string_element (array, uri);
    }
  return array;
}

/* Everything a later process needs to resume but the files: the ticket
 * (with the transfer key, a secret: the store writes this with mode 0600)
 * and the options. */
JsonObject *
fm_upload_job_to_json_head (FmUploadJob *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "version", FM_UPLOAD_JOB_FORMAT_VERSION);
  fm_json_set_string (object, "id", self->id);
  fm_json_set_string (object, "state", fm_upload_state_to_string (self->state));
  json_object_set_int_member (object, "created", self->created);
  json_object_set_int_member (object, "chunksize", self->chunk_size);
  json_object_set_int_member (object, "parallel", self->parallel);
  json_object_set_object_member (object, "options", options_to_json (self->options, self->ticket == NULL));
  if (self->ticket != NULL)
    {
      fm_json_set_string (object, "transferid", self->ticket->id);
      fm_json_set_string (object, "transferkey", self->ticket->key);
      fm_json_set_string (object, "transferurl", self->ticket->url);
    }
  fm_json_set_string (object, "downloadurl", self->download_url);
  /* whose it is: a queue opened for another server leaves it alone */
  fm_json_set_string (object, "server", fm_client_get_base_url (self->client));
  if (self->error != NULL)
    {
      /* the sentence as it was, and the code: a server's error is shown
       * again in the reader's language, not in the one it was saved in */
      fm_json_set_string (object, "error", self->error->message);
      if (self->error->domain == FM_ERROR)
        {
          json_object_set_int_member (object, "errorcode", self->error->code);
          fm_json_set_string (object, "errorserver", fm_error_get_server_message (self->error));
        }
    }
  if (self->inputs != NULL)
    json_object_set_array_member (object, "inputs", paths_to_json (self->inputs));
  if (self->sources != NULL)
    json_object_set_array_member (object, "sources", paths_to_json (self->sources));
  json_object_set_boolean_member (object, "protected", self->had_password);
  return object;
}

/* The job's "files" as compact JSON text, the same members file_to_json()
 * gives, or NULL before the scan. Written straight as text: as a tree,
 * 100,000 files took about 100 MiB for the moment of each snapshot (the
 * nodes, their hash tables, then the text twice); as text they take the
 * text, 130 bytes a file. */
GString *
fm_upload_job_files_to_text (FmUploadJob *self)
{
  GString *out;

  if (self->files == NULL)
    return NULL;
  out = g_string_sized_new (64 + self->files->len * 160);
  g_string_append_c (out, '[');
  for (guint i = 0; i < self->files->len; i++)
    {
      FmUploadFile *file = self->files->pdata[i];
      g_autofree char *uri = g_filename_to_uri (file->path, NULL, NULL);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      if (uri != NULL)
        {
          g_string_append (out, "\"uri\":");
          fm_json_append_string (out, uri);
          g_string_append_c (out, ',');
        }
      g_string_append (out, "\"name\":");
      fm_json_append_string (out, file->name);
      g_string_append_printf (out, ",\"size\":%" G_GINT64_FORMAT ",\"mtime\":%" G_GINT64_FORMAT,
                              file->size, file->mtime_us);
      if (file->acked != NULL)
        {
          g_autofree char *acked = fm_chunk_set_to_string (file->acked);

          g_string_append (out, ",\"acked\":");
          fm_json_append_string (out, acked);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  return out;
}

/* The whole job as a tree (fm_upload_job_to_json_head() and the files):
 * for `filemail send --json` and the tests; the store is given text. */
JsonObject *
fm_upload_job_to_json (FmUploadJob *self)
{
  JsonObject *object = fm_upload_job_to_json_head (self);

  if (self->files != NULL)
    {
      JsonArray *files = json_array_new ();

      for (guint i = 0; i < self->files->len; i++)
        json_array_add_object_element (files, file_to_json (self->files->pdata[i]));
      json_object_set_array_member (object, "files", files);
    }
  return object;
}

static FmTransferOptions *
options_from_json (JsonObject *object)
{
  FmTransferOptions *o = fm_transfer_options_new ();
  gint64 days = 0;

  o->to = g_strdup (fm_json_get_string (object, "to"));
  o->from = g_strdup (fm_json_get_string (object, "from"));
  o->subject = g_strdup (fm_json_get_string (object, "subject"));
  o->message = g_strdup (fm_json_get_string (object, "message"));
  o->password = g_strdup (fm_json_get_string (object, "password"));
  if (fm_json_get_int64 (object, "days", &days))
    o->days = (int) CLAMP (days, 0, FM_TRANSFER_DAYS_MAX);
  /* absent: not chosen (files of older versions always said false) */
  o->notify = fm_json_get_boolean (object, "notify", FM_OPTION_UNSET);
  o->confirmation = fm_json_get_boolean (object, "confirmation", FM_OPTION_UNSET);
  return o;
}

static char *
path_from_uri (const char *uri)
{
  return uri != NULL ? g_filename_from_uri (uri, NULL, NULL) : NULL;
}

static FmUploadFile *
file_from_json (JsonObject *object,
                gint64      chunk_size)
{
  g_autofree char *path = path_from_uri (fm_json_get_string (object, "uri"));
  const char *name = fm_json_get_string (object, "name");
  gint64 size = -1, mtime = 0;
  g_autoptr(FmUploadFile) file = NULL;

  if (path == NULL || name == NULL || *name == '\0' || strlen (name) > 4096 ||
      !fm_json_get_int64 (object, "size", &size) || size < 0 || size > FM_FILE_SIZE_MAX ||
      fm_chunk_plan_count (size, chunk_size) > FM_CHUNK_COUNT_MAX ||
      !fm_json_get_int64 (object, "mtime", &mtime))
    return NULL;
  file = fm_upload_file_new (path, name, size, mtime);
  file->acked = fm_chunk_set_new_parse (fm_chunk_plan_count (size, chunk_size),
                                        fm_json_get_string (object, "acked"));
  return file->acked != NULL ? g_steal_pointer (&file) : NULL;
}

/* An array of file URIs, each a path; NULL if anything else is in it. */
static GStrv
paths_from_json (JsonArray *array)
{
  guint n = json_array_get_length (array);
  g_auto(GStrv) paths = NULL;

  if (n == 0 || n > 100000)
    return NULL;
  paths = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return NULL;
      paths[i] = path_from_uri (json_node_get_string (node));
      if (paths[i] == NULL || !g_path_is_absolute (paths[i]))
        return NULL;
    }
  return g_steal_pointer (&paths);
}

static gboolean
files_from_json (FmUploadJob *self,
                 JsonObject  *object)
{
  JsonArray *files = fm_json_get_array (object, "files");
  JsonArray *inputs = fm_json_get_array (object, "inputs");

  if (files != NULL)
    {
      self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_upload_file_free);
      for (guint i = 0; i < json_array_get_length (files); i++)
        {
          JsonNode *node = json_array_get_element (files, i);
          FmUploadFile *file = JSON_NODE_HOLDS_OBJECT (node)
                               ? file_from_json (json_node_get_object (node), self->chunk_size) : NULL;
          if (file == NULL)
            return FALSE;
          g_ptr_array_add (self->files, file);
        }
      return self->files->len > 0;
    }
  if (inputs == NULL)
    return FALSE;
  self->inputs = paths_from_json (inputs);
  return self->inputs != NULL;
}

static gpointer
damaged (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Its saved state is damaged."));
  return NULL;
}

static gpointer
paths_lost (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The places of its files on this computer were not saved."));
  return NULL;
}

static gboolean
ticket_field_is_valid (const char *value)
{
  return value != NULL && *value != '\0' && strlen (value) <= 2048;
}

static FmUploadState
state_from_string (const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (FM_TYPE_UPLOAD_STATE);
  GEnumValue *value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value != NULL ? (FmUploadState) value->value : FM_UPLOAD_STATE_PAUSED;
}

/* A job read back from disk is paused, or failed/done/cancelled as it was:
 * the owner decides whether to resume it. Every field is checked, as the
 * file may have been damaged or written by someone else: a bad one makes
 * the whole job G_IO_ERROR_INVALID_DATA (the queue sets it aside), a newer
 * format G_IO_ERROR_NOT_SUPPORTED (left in place for the newer program). */
/* A failure as saved. A code the reference lists (a server's answer) is
 * described anew, in the language of whoever reads it now; our own
 * failures (9000 and up) keep their saved sentence, which names the file
 * or the part. */
static GError *
saved_error (JsonObject *object,
             const char *message)
{
  gint64 code = 0;

  if (fm_json_get_int64 (object, "errorcode", &code) && code > 0 && code < 9000 &&
      fm_error_code_is_known ((int) code))
    return fm_error_new_from_server ((int) code, NULL, fm_json_get_string (object, "errorserver"));
  /* ours keep their code too: what the row offers (Send Again for a file
   * that changed) depends on it */
  if (code < FM_ERROR_PROTOCOL || code > FM_ERROR_NO_ROOM)
    code = FM_ERROR_UPLOAD_FAILED;
  return g_error_new_literal (FM_ERROR, (int) code, message ? message : _("The upload failed."));
}

FmUploadJob *
fm_upload_job_new_from_json (FmClient    *client,
                             JsonObject  *object,
                             GError     **error)
{
  g_autoptr(FmUploadJob) self = g_object_new (FM_TYPE_UPLOAD_JOB, NULL);
  const char *id = fm_json_get_string (object, "id");
  const char *tid = fm_json_get_string (object, "transferid");
  const char *key = fm_json_get_string (object, "transferkey");
  const char *url = fm_json_get_string (object, "transferurl");
  const char *message = fm_json_get_string (object, "error");
  JsonObject *options = fm_json_get_object (object, "options");
  gint64 chunk_size = 0, parallel = DEFAULT_PARALLEL, version = 0;
  g_autofree char *upgraded = NULL;

  if (fm_json_get_int64 (object, "version", &version) && version > FM_UPLOAD_JOB_FORMAT_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("A saved upload was written by a newer version of Filemail; update to resume it."));
      return NULL;
    }
  if (id == NULL || strlen (id) > 64 || options == NULL || version < 0 ||
      !fm_json_get_int64 (object, "chunksize", &chunk_size) ||
      chunk_size <= 0 || chunk_size > FM_CHUNK_SIZE_MAX)
    return damaged (error);
  if ((tid != NULL || key != NULL || url != NULL) &&
      (!ticket_field_is_valid (tid) || !ticket_field_is_valid (key) || !ticket_field_is_valid (url)))
    return damaged (error);
  /* The address is checked again as if initialize had just answered it:
   * the file may come from an older version or from someone else. */
  upgraded = url != NULL ? fm_client_upgrade_url (url) : NULL;
  if (upgraded != NULL && !fm_client_check_url (upgraded, NULL))
    return damaged (error);
  g_free (self->id);
  self->id = g_strdup (id);
  self->client = g_object_ref (client);
  self->chunk_size = chunk_size;
  fm_json_get_int64 (object, "parallel", &parallel);
  self->parallel = (guint) CLAMP (parallel, 1, 4);
  fm_json_get_int64 (object, "created", &self->created);
  self->options = options_from_json (options);
  if (!files_from_json (self, object))
    return paths_lost (error);
  /* older files keep no sources: their inputs, while not yet scanned. An
   * empty list is what versions before 0.3 saved for paths typed relative
   * ("movie.mkv"): with its files known the job still resumes, only Send
   * Again has nothing to start from. */
  if (fm_json_get_array (object, "sources") != NULL &&
      json_array_get_length (fm_json_get_array (object, "sources")) > 0)
    {
      self->sources = paths_from_json (fm_json_get_array (object, "sources"));
      if (self->sources == NULL)
        return damaged (error);
    }
  else if (self->inputs != NULL)
    self->sources = g_strdupv (self->inputs);
  self->had_password = fm_json_get_boolean (object, "protected", FALSE) ||
                       self->options->password != NULL;
  if (upgraded != NULL)
    self->ticket = fm_transfer_ticket_new (tid, key, upgraded);
  self->download_url = g_strdup (fm_json_get_string (object, "downloadurl"));
  if (self->download_url != NULL && *self->download_url != '\0' && !fm_client_url_is_safe_to_open (self->download_url))
    {
      self->refused_link = g_steal_pointer (&self->download_url);
      self->download_url = g_strdup ("");
    }
  self->state = state_from_string (fm_json_get_string (object, "state"));
  if (fm_upload_state_is_active (self->state) || self->state == FM_UPLOAD_STATE_QUEUED)
    self->state = FM_UPLOAD_STATE_PAUSED;
  if (self->state == FM_UPLOAD_STATE_FAILED)
    self->error = saved_error (object, message);
  if (self->files != NULL)
    _fm_upload_job_plan_files (self);
  return g_steal_pointer (&self);
}

