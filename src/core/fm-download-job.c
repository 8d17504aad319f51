/* fm-download-job.c: one file coming down */
#define G_LOG_DOMAIN "fm-download-job"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-download-job.h"
#include "fm-error.h"

#define READ_SIZE     (1 << 20)
#define NAME_MAX_BYTES 200
#define TICK_MS       100

struct _FmDownloadJob
{
  GObject        parent_instance;

  SoupSession   *session;
  char          *url;
  char          *name;          /* safe */
  char          *directory;
  char          *part_path;
  char          *path;          /* final, once done */
  gint64         expected;      /* -1: unknown */
  gint64         received;      /* bytes in the .part file */
  gboolean       restarted;
  FmRetryPolicy *retry;
  FmRetryState   retry_state;

  GTask         *task;          /* the running run_async */
  FmDownloadState state;
  GError        *error;         /* of the last run, if it failed */
  GInputStream  *input;
  GOutputStream *output;
  GBytes        *block;
  double         speed;
  gint64         sample_time;
  gint64         sample_bytes;
  gint64         run_start;
  guint          tick_id;
};

G_DEFINE_FINAL_TYPE (FmDownloadJob, fm_download_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (FmDownloadState, fm_download_state,
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (FM_DOWNLOAD_STATE_STOPPED, "stopped"))

enum {
  PROP_0,
  PROP_BYTES_TOTAL,
  PROP_BYTES_RECEIVED,
  PROP_FRACTION,
  PROP_SPEED,
  PROP_PATH,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_request (FmDownloadJob *self);

/* ------------------------------------------------------------ names */

static gboolean
is_reserved_windows_name (const char *name)
{
  static const char *reserved[] = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
                                    "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
                                    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9" };
  const char *dot = strchr (name, '.');
  gsize len = dot != NULL ? (gsize) (dot - name) : strlen (name);

  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strlen (reserved[i]) == len && g_ascii_strncasecmp (name, reserved[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* A name from the server becomes one plain file name: valid UTF-8, no
 * separators, no control characters, not hidden, not "." or "..", not a
 * device name other systems reserve, at most 200 bytes (extension kept).
 * "../../.bashrc" becomes "_.._.bashrc"; "a/b" becomes "a_b". */
char *
fm_download_safe_name (const char *server_name)
{
  g_autofree char *valid = g_utf8_make_valid (server_name != NULL ? server_name : "", -1);
  GString *out = g_string_new (NULL);
  const char *start;
  g_autofree char *trimmed = NULL;

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
          c == 0x2028 || c == 0x2029)
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }
  /* no leading dots or spaces (hidden files, "..") nor trailing ones */
  for (start = out->str; *start == '.' || *start == ' '; start++)
    ;
  trimmed = g_strdup (start);
  g_strchomp (trimmed);
  while (*trimmed && trimmed[strlen (trimmed) - 1] == '.')
    trimmed[strlen (trimmed) - 1] = '\0';
  g_string_free (out, TRUE);
  if (*trimmed == '\0')
    return g_strdup ("download");
  if (strlen (trimmed) > NAME_MAX_BYTES)
    {
      const char *ext = strrchr (trimmed, '.');
      gsize ext_len = ext != NULL && strlen (ext) <= 16 ? strlen (ext) : 0;
      const char *cut = g_utf8_find_prev_char (trimmed, trimmed + NAME_MAX_BYTES - ext_len + 1);
      g_autofree char *head = g_strndup (trimmed, (gsize) (cut - trimmed));

      return g_strconcat (head, ext_len ? ext : "", NULL);
    }
  if (is_reserved_windows_name (trimmed))
    return g_strconcat ("_", trimmed, NULL);
  return g_steal_pointer (&trimmed);
}

/* "name.ext", else "name (1).ext", "name (2).ext"… whichever is free. */
char *
fm_download_unique_path (const char *directory,
                         const char *name)
{
  const char *dot = strrchr (name, '.');
  gsize stem = dot != NULL && dot != name ? (gsize) (dot - name) : strlen (name);
  char *path = g_build_filename (directory, name, NULL);

  for (int n = 1; g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK); n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%.*s (%d)%s", (int) stem, name, n, name + stem);

      g_free (path);
      path = g_build_filename (directory, candidate, NULL);
    }
  return path;
}

/* ------------------------------------------------------------ progress */

static gboolean
tick_cb (gpointer data)
{
  FmDownloadJob *self = data;
  gint64 now = g_get_monotonic_time ();
  double dt = (double) (now - self->sample_time) / G_USEC_PER_SEC;

  if (dt > 0 && now - self->run_start >= G_USEC_PER_SEC)   /* warm-up: no speed yet */
    {
      double instant = (double) MAX (0, self->received - self->sample_bytes) / dt;
      self->speed = self->speed <= 0 ? instant : 0.85 * self->speed + 0.15 * instant;
    }
  self->sample_time = now;
  self->sample_bytes = self->received;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------- run */

static void
close_streams (FmDownloadJob *self)
{
  if (self->input != NULL)
    g_input_stream_close (self->input, NULL, NULL);
  if (self->output != NULL)
    g_output_stream_close (self->output, NULL, NULL);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_pointer (&self->block, g_bytes_unref);
}

static void
set_state (FmDownloadJob   *self,
           FmDownloadState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
finish_run (FmDownloadJob *self,
            GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  close_streams (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  tick_cb (self);
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  set_state (self, error == NULL ? FM_DOWNLOAD_STATE_DONE
                   : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? FM_DOWNLOAD_STATE_STOPPED
                   : FM_DOWNLOAD_STATE_FAILED);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
retry_cb (gpointer data)
{
  start_request (data);
  return G_SOURCE_REMOVE;
}

/* A dropped connection resumes where the .part file ends. */
static void
transfer_failed (FmDownloadJob *self,
                 GError        *error)
{
  close_streams (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      fm_retry_policy_classify (0, error) != FM_RETRY_TRANSIENT ||
      !fm_retry_policy_record_failure (self->retry, &self->retry_state))
    return finish_run (self, error);
  g_debug ("download %s: %s; resuming at %" G_GINT64_FORMAT, self->name, error->message, self->received);
  g_error_free (error);
  g_timeout_add (fm_retry_policy_wait_ms (self->retry, &self->retry_state), retry_cb, self);
}

/* Link, then unlink: fails rather than replace a file that appeared in
 * the meantime. */
static gboolean
move_into_place (FmDownloadJob  *self,
                 GError        **error)
{
  for (int attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *path = fm_download_unique_path (self->directory, self->name);

      if (link (self->part_path, path) == 0)
        {
          g_unlink (self->part_path);
          self->path = g_steal_pointer (&path);
          return TRUE;
        }
      if (errno == EEXIST)
        continue;
      if (!g_file_test (path, G_FILE_TEST_EXISTS) && g_rename (self->part_path, path) == 0)
        {
          self->path = g_steal_pointer (&path);
          return TRUE;
        }
      break;
    }
  return g_set_error (error, FM_ERROR, FM_ERROR_DOWNLOAD_FAILED, _("Cannot save “%s” in %s: %s"),
                      self->name, self->directory, g_strerror (errno)), FALSE;
}

static void
download_complete (FmDownloadJob *self)
{
  GError *error = NULL;

  close_streams (self);
  if (self->expected >= 0 && self->received != self->expected)
    {
      g_unlink (self->part_path);
      return finish_run (self, g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED,
                                            _("“%s” arrived with %lld bytes instead of %lld; it was not kept."),
                                            self->name, (long long) self->received, (long long) self->expected));
    }
  if (!move_into_place (self, &error))
    return finish_run (self, error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  finish_run (self, NULL);
}

static void read_next (FmDownloadJob *self);

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    return finish_run (self, error);   /* a full disk is not worth retrying */
  self->received += (gint64) written;
  g_clear_pointer (&self->block, g_bytes_unref);
  read_next (self);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  GBytes *block = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize size;

  if (block == NULL)
    return transfer_failed (self, error);
  size = g_bytes_get_size (block);
  if (size == 0)
    {
      g_bytes_unref (block);
      return download_complete (self);
    }
  self->block = block;
  g_output_stream_write_all_async (self->output, g_bytes_get_data (block, NULL), size,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (self->task),
                                   write_done_cb, self);
}

static void
read_next (FmDownloadJob *self)
{
  g_input_stream_read_bytes_async (self->input, READ_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (self->task), read_done_cb, self);
}

static void
output_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  GFileOutputStream *output = self->received > 0
    ? g_file_append_to_finish (G_FILE (source), result, &error)
    : g_file_replace_finish (G_FILE (source), result, &error);

  if (output == NULL)
    return finish_run (self, error);
  self->output = G_OUTPUT_STREAM (output);
  read_next (self);
}

static void
open_part (FmDownloadJob *self)
{
  g_autoptr(GFile) part = g_file_new_for_path (self->part_path);
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (self->received > 0)
    g_file_append_to_async (part, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT, cancellable,
                            output_ready_cb, self);
  else
    g_file_replace_async (part, NULL, FALSE, G_FILE_CREATE_PRIVATE, G_PRIORITY_DEFAULT,
                          cancellable, output_ready_cb, self);
}

/* 206 from where we are, or 200 (the whole file: start over); 416 means
 * the .part already holds everything, or is not of this file. */
static GError *
check_response (FmDownloadJob *self,
                SoupMessage   *msg)
{
  guint status = soup_message_get_status (msg);
  goffset start = 0, end = 0, total = 0;

  if (status == SOUP_STATUS_OK)
    self->received = 0;
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg),
                                                   &start, &end, &total) || start != self->received)
        return g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED,
                            _("The server resumed “%s” at the wrong place."), self->name);
    }
  else
    return g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED, _("“%s” cannot be downloaded (HTTP %u %s)."),
                        self->name, status, soup_status_get_phrase (status));
  return NULL;
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FmDownloadJob *self = user_data;
  GError *error = NULL;
  GInputStream *input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  if (input == NULL)
    return transfer_failed (self, error);
  self->input = input;
  if (soup_message_get_status (msg) == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && self->received > 0)
    {
      close_streams (self);
      if (self->received == self->expected)
        return download_complete (self);
      if (self->restarted)
        return finish_run (self, g_error_new (FM_ERROR, FM_ERROR_DOWNLOAD_FAILED,
                                              _("“%s” cannot be resumed."), self->name));
      self->restarted = TRUE;
      self->received = 0;
      return start_request (self);
    }
  error = check_response (self, msg);
  if (error != NULL)
    return finish_run (self, error);
  open_part (self);
}

static void
start_request (FmDownloadJob *self)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, self->url);

  if (msg == NULL)
    return finish_run (self, g_error_new (FM_ERROR, FM_ERROR_INVALID_URL, "%s",
                                          fm_error_get_message (FM_ERROR_INVALID_URL)));
  if (self->received > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), self->received, -1);
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (self->task),
                           send_done_cb, self);
}

void
fm_download_job_run_async (FmDownloadJob       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  struct stat st;

  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, fm_download_job_run_async);
  g_mkdir_with_parents (self->directory, 0700);
  /* A .part left by an earlier run is where this one starts. */
  self->received = stat (self->part_path, &st) == 0 && S_ISREG (st.st_mode) ? st.st_size : 0;
  if (self->expected >= 0 && self->received > self->expected)
    self->received = 0;
  self->sample_time = self->run_start = g_get_monotonic_time ();
  self->sample_bytes = self->received;
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  g_clear_error (&self->error);
  set_state (self, FM_DOWNLOAD_STATE_RUNNING);
  start_request (self);
}

gboolean
fm_download_job_run_finish (FmDownloadJob  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------ GObject */

static void
fm_download_job_finalize (GObject *object)
{
  FmDownloadJob *self = FM_DOWNLOAD_JOB (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  close_streams (self);
  g_clear_object (&self->session);
  g_clear_object (&self->retry);
  g_free (self->url);
  g_free (self->name);
  g_free (self->directory);
  g_free (self->part_path);
  g_free (self->path);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (fm_download_job_parent_class)->finalize (object);
}

static void
fm_download_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmDownloadJob *self = FM_DOWNLOAD_JOB (object);

  switch (prop_id)
    {
    case PROP_BYTES_TOTAL: g_value_set_int64 (value, self->expected); break;
    case PROP_BYTES_RECEIVED: g_value_set_int64 (value, self->received); break;
    case PROP_FRACTION: g_value_set_double (value, fm_download_job_get_fraction (self)); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_download_job_class_init (FmDownloadJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = fm_download_job_finalize;
  object_class->get_property = fm_download_job_get_property;
  properties[PROP_BYTES_TOTAL] = g_param_spec_int64 ("bytes-total", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_BYTES_RECEIVED] = g_param_spec_int64 ("bytes-received", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FM_TYPE_DOWNLOAD_STATE,
                                              FM_DOWNLOAD_STATE_IDLE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fm_download_job_init (FmDownloadJob *self)
{
  self->retry = fm_retry_policy_new ();
}

FmDownloadJob *
fm_download_job_new (SoupSession *session,
                     const char  *url,
                     const char  *server_name,
                     gint64       expected_size,
                     const char  *directory)
{
  FmDownloadJob *self = g_object_new (FM_TYPE_DOWNLOAD_JOB, NULL);
  g_autofree char *part_name = NULL;

  self->session = g_object_ref (session);
  self->url = g_strdup (url);
  self->name = fm_download_safe_name (server_name);
  self->directory = g_strdup (directory);
  part_name = g_strconcat (self->name, ".part", NULL);
  self->part_path = g_build_filename (directory, part_name, NULL);
  self->expected = expected_size;
  return self;
}

void
fm_download_job_set_retry_policy (FmDownloadJob *self,
                                  FmRetryPolicy *policy)
{
  g_set_object (&self->retry, policy);
}

FmDownloadState
fm_download_job_get_state (FmDownloadJob *self)
{
  return self->state;
}

/* Why the last run failed or stopped; NULL otherwise. */
const GError *
fm_download_job_get_error (FmDownloadJob *self)
{
  return self->error;
}

const char *
fm_download_job_get_name (FmDownloadJob *self)
{
  return self->name;
}

const char *
fm_download_job_get_path (FmDownloadJob *self)
{
  return self->path;
}

gint64
fm_download_job_get_bytes_total (FmDownloadJob *self)
{
  return self->expected;
}

gint64
fm_download_job_get_bytes_received (FmDownloadJob *self)
{
  return self->received;
}

double
fm_download_job_get_fraction (FmDownloadJob *self)
{
  if (self->path != NULL)
    return 1.0;
  if (self->expected <= 0)
    return 0.0;
  return CLAMP ((double) self->received / (double) self->expected, 0.0, 1.0);
}

double
fm_download_job_get_speed (FmDownloadJob *self)
{
  return self->speed;
}
