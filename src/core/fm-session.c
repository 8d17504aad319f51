/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-session.c: a person using Filemail (see fm-session.h) */
#define G_LOG_DOMAIN "fm-session"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "fm-config.h"
#include "fm-error.h"
#include "fm-download-record.h"
#include "fm-list-cache.h"
#include "fm-session.h"

struct _FmSession
{
  GObject        parent_instance;

  FmClient      *client;
  FmUploadQueue *queue;
  GListStore    *downloads;        /* FmDownloadJob, newest first */
  GHashTable    *downloads_by_file; /* "transfer/file" -> its job in downloads (not a ref) */
  GQueue         download_waiting; /* jobs to start, in order (refs) */
  guint          downloads_running;
  guint          downloads_active;  /* waiting or running, by their state */
  gint64         batch_total;       /* bytes of the downloads since none was active */
  gint64         batch_done;
  FmDownloadRecord *record;        /* what earlier runs saved where; NULL without a store */
  FmListCache   *lists;            /* the last known Inbox and Outbox; NULL without a store */
  FmLinkHistory *links;            /* transfers opened by link here; NULL without a store */
  char          *account_email;    /* NULL while logged out */
  char          *last_email;       /* the address last logged in with */
  char          *download_folder;  /* as configured; "" or NULL: Downloads */
  char          *resolved_folder;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (FmSession, fm_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT_EMAIL,
  PROP_LAST_EMAIL,
  PROP_LOGGED_IN,
  PROP_DOWNLOAD_FOLDER,
  PROP_BUSY,
  PROP_NETWORK_MONITOR,
  N_PROPS
};

enum {
  SIGNAL_LOGIN_EXPIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

FmClient *
fm_session_get_client (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->client;
}

FmUploadQueue *
fm_session_get_queue (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->queue;
}

/* ---------------------------------------------------------------- busy */

static void
update_busy (FmSession *self)
{
  /* counted, not searched: a Download All of 10,000 files changes state
   * 20,000 times */
  gboolean busy = fm_upload_queue_get_n_active (self->queue) > 0 || self->downloads_active > 0;

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Uploads or downloads run: a desktop keeps the program alive for them. */
gboolean
fm_session_is_busy (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), FALSE);
  return self->busy;
}

/* ------------------------------------------------------------- account */

static void
set_string (char **slot, const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

/* Jobs that failed because the login expired go again after a login. */
static void
retry_auth_failures (FmSession *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->queue)); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (G_LIST_MODEL (self->queue), i);

      if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_FAILED &&
          fm_error_is_auth_expired (fm_upload_job_get_error (job)))
        fm_upload_job_retry (job);
    }
}

/* @token NULL: logged out (the address stays known as last-email). */
void
fm_session_set_account (FmSession  *self,
                        const char *email,
                        const char *token)
{
  gboolean was_logged_in = self->account_email != NULL;

  g_return_if_fail (FM_IS_SESSION (self));
  fm_client_set_login_token (self->client, token);
  set_string (&self->account_email, token != NULL ? (email != NULL ? email : "") : NULL);
  if (email != NULL && *email != '\0' && g_strcmp0 (email, self->last_email) != 0)
    {
      set_string (&self->last_email, email);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_EMAIL]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_EMAIL]);
  if (was_logged_in != (token != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
  if (token != NULL)
    retry_auth_failures (self);
}

const char *
fm_session_get_account_email (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->account_email;
}

const char *
fm_session_get_last_email (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->last_email;
}

gboolean
fm_session_is_logged_in (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), FALSE);
  return self->account_email != NULL;
}

static void
expire_login (FmSession *self)
{
  if (self->account_email == NULL && fm_client_get_login_token (self->client) == NULL)
    return;
  fm_session_set_account (self, self->last_email, NULL);
  g_signal_emit (self, signals[SIGNAL_LOGIN_EXPIRED], 0);
}

/* Any caller that hears "your login expired" from the server says so
 * here, and the whole program learns it once. */
void
fm_session_report_error (FmSession    *self,
                         const GError *error)
{
  g_return_if_fail (FM_IS_SESSION (self));
  if (fm_error_is_auth_expired (error))
    expire_login (self);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FmSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree char *token = fm_client_login_finish (FM_CLIENT (source), result, &error);

  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  fm_session_set_account (self, g_task_get_task_data (task), token);
  g_task_return_boolean (task, TRUE);
}

/* Logs in; the account is set when it finishes (keep it with
 * fm_session_keep_login_async). */
void
fm_session_login_async (FmSession           *self,
                        const char          *email,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_session_login_async);
  g_task_set_task_data (task, g_strstrip (g_strdup (email)), g_free);
  /* an old token must not ride along on the login call */
  fm_client_set_login_token (self->client, NULL);
  fm_client_login_async (self->client, g_task_get_task_data (task), password, cancellable, login_cb, task);
}

gboolean
fm_session_login_finish (FmSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FmAccountStorage *storage = g_new0 (FmAccountStorage, 1);
  GError *error = NULL;

  if (!fm_account_store_finish (result, storage, &error))
    {
      g_free (storage);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, storage, g_free);
}

/* Stores the token of the account logged in now for the next runs. */
void
fm_session_keep_login_async (FmSession           *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  const char *token = fm_client_get_login_token (self->client);

  g_task_set_source_tag (task, fm_session_keep_login_async);
  if (token == NULL)
    {
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_NOT_LOGGED_IN, _("You are not logged in."));
      g_object_unref (task);
      return;
    }
  fm_account_store_async (fm_client_get_base_url (self->client), self->account_email, token,
                          cancellable, kept_cb, task);
}

gboolean
fm_session_keep_login_finish (FmSession         *self,
                              GAsyncResult      *result,
                              FmAccountStorage  *storage,
                              GError           **error)
{
  g_autofree FmAccountStorage *kept = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  kept = g_task_propagate_pointer (G_TASK (result), error);
  if (kept != NULL && storage != NULL)
    *storage = *kept;
  return kept != NULL;
}

static void
restored_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FmSession *self = g_task_get_source_object (task);
  g_autofree char *email = NULL;
  GError *error = NULL;
  g_autofree char *token = fm_account_lookup_finish (result, &email, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token != NULL)
    fm_session_set_account (self, email, token);
  g_task_return_boolean (task, token != NULL);
}

/* Brings back a kept login (FILEMAIL_LOGINTOKEN first); finishes TRUE
 * when there was one. */
void
fm_session_restore_login_async (FmSession           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_session_restore_login_async);
  fm_account_lookup_async (fm_client_get_base_url (self->client), cancellable, restored_cb, task);
}

gboolean
fm_session_restore_login_finish (FmSession     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  GError *server_error;
} LogoutData;

static void
logout_data_free (gpointer data)
{
  LogoutData *logout = data;

  g_clear_error (&logout->server_error);
  g_free (logout);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FmSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* logged out here whatever the server or the keyring said; the
   * account's lists leave this computer */
  if (self->lists != NULL)
    {
      g_autofree char *key = fm_session_dup_account_key (self);

      if (key != NULL)
        fm_list_cache_clear (self->lists, key);
    }
  fm_session_set_account (self, self->last_email, NULL);
  if (!fm_account_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
server_logout_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  FmSession *self = g_task_get_source_object (task);
  LogoutData *data = g_task_get_task_data (task);
  GError *error = NULL;

  /* an expired token is logged out already: no complaint to pass on */
  if (!fm_client_logout_finish (FM_CLIENT (source), result, &error) && !fm_error_is_auth_expired (error))
    data->server_error = error;
  else
    g_clear_error (&error);
  fm_account_clear_async (fm_client_get_base_url (self->client), NULL, cleared_cb, task);
}

/* Logs out at the server and forgets the kept login. @server_error gets
 * what the server said when it did not confirm (the login is forgotten
 * here all the same); @error what kept the stored login from going. */
void
fm_session_logout_async (FmSession           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_session_logout_async);
  g_task_set_task_data (task, g_new0 (LogoutData, 1), logout_data_free);
  if (fm_client_get_login_token (self->client) == NULL)
    fm_account_clear_async (fm_client_get_base_url (self->client), NULL, cleared_cb, task);
  else
    fm_client_logout_async (self->client, cancellable, server_logout_cb, task);
}

gboolean
fm_session_logout_finish (FmSession     *self,
                          GAsyncResult  *result,
                          GError       **server_error,
                          GError       **error)
{
  LogoutData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_get_task_data (G_TASK (result));
  if (data->server_error != NULL && server_error != NULL)
    *server_error = g_error_copy (data->server_error);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -------------------------------------------------------------- uploads */

static void
upload_state_cb (FmUploadJob *job,
                 GParamSpec  *pspec,
                 FmSession   *self)
{
  if (fm_upload_job_get_state (job) == FM_UPLOAD_STATE_FAILED)
    fm_session_report_error (self, fm_upload_job_get_error (job));
  update_busy (self);
}

static void
queue_items_changed_cb (GListModel *queue,
                        guint       position,
                        guint       removed,
                        guint       added,
                        FmSession  *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      g_signal_connect_object (job, "notify::state", G_CALLBACK (upload_state_cb), self, 0);
    }
  update_busy (self);
}

/* ------------------------------------------------------------ downloads */

GListModel *
fm_session_get_downloads (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->downloads);
}

/* The folder downloads go to: the configured one, else the desktop's
 * Downloads folder. */
const char *
fm_session_get_download_folder (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  if (self->resolved_folder == NULL)
    self->resolved_folder = fm_config_resolve_download_folder (self->download_folder);
  return self->resolved_folder;
}

/* @folder: a path, "~/…", or "" / NULL for the Downloads folder. */
void
fm_session_set_download_folder (FmSession  *self,
                                const char *folder)
{
  g_return_if_fail (FM_IS_SESSION (self));
  if (g_strcmp0 (folder, self->download_folder) == 0)
    return;
  set_string (&self->download_folder, folder);
  g_clear_pointer (&self->resolved_folder, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOAD_FOLDER]);
}

/* The newest download of a file (by transfer and file id), or NULL. */
/* Downloads waiting for their turn or coming down. */
guint
fm_session_get_n_downloads_active (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), 0);
  return self->downloads_active;
}

/* Files coming down right now (not those waiting their turn). */
guint
fm_session_get_n_downloading (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), 0);
  return self->downloads_running;
}

/* The bytes a counted download has brought so far, as last added in. */
#define COUNTED "fm-session-counted"

static void
download_bytes_cb (FmDownloadJob *job,
                   GParamSpec    *pspec,
                   FmSession     *self)
{
  gint64 *counted = g_object_get_data (G_OBJECT (job), COUNTED);
  gint64 now = fm_download_job_get_bytes_received (job);

  if (counted == NULL)
    return;
  self->batch_done += now - *counted;
  *counted = now;
}

/* A download's state, counted: waiting or running is active; done,
 * failed or stopped is not (busy follows at once, as the state does).
 * Its bytes join the batch while it is active; a done one stays in it, a
 * failed or stopped one leaves; the batch ends when nothing is active.
 * O(1) per event, however many files a Download All holds. */
static void
download_state_cb (FmDownloadJob *job,
                   GParamSpec    *pspec,
                   FmSession     *self)
{
  FmDownloadState state = fm_download_job_get_state (job);
  gboolean active = state == FM_DOWNLOAD_STATE_IDLE || state == FM_DOWNLOAD_STATE_RUNNING;
  gint64 *counted = g_object_get_data (G_OBJECT (job), COUNTED);
  gint64 total = MAX (fm_download_job_get_bytes_total (job), 0);

  if (active && counted == NULL)
    {
      counted = g_new (gint64, 1);
      *counted = fm_download_job_get_bytes_received (job);
      g_object_set_data_full (G_OBJECT (job), COUNTED, counted, g_free);
      self->downloads_active++;
      self->batch_total += total;
      self->batch_done += *counted;
    }
  else if (!active && counted != NULL)
    {
      if (state == FM_DOWNLOAD_STATE_DONE)
        self->batch_done += total - *counted;
      else
        {
          self->batch_total -= total;
          self->batch_done -= *counted;
        }
      g_object_set_data (G_OBJECT (job), COUNTED, NULL);
      if (--self->downloads_active == 0)
        self->batch_total = self->batch_done = 0;
    }
  update_busy (self);
}

/* Bytes in and to come of the downloads under way and those done since
 * none was (0, 0 when none is). */
void
fm_session_get_download_progress (FmSession *self,
                                  gint64    *done,
                                  gint64    *total)
{
  g_return_if_fail (FM_IS_SESSION (self));
  *done = CLAMP (self->batch_done, 0, self->batch_total);
  *total = self->batch_total;
}

/* Everything under way, uploads and downloads: bytes done and to do, and
 * how many. The uploads are few (one job per transfer); the downloads are
 * the running sums, not a walk of a list that a Download All fills with
 * 10,000 files. For the dock and the header's operations button. */
void
fm_session_get_transfer_progress (FmSession *self,
                                  gint64    *done,
                                  gint64    *total,
                                  gint64    *count)
{
  GListModel *queue;

  g_return_if_fail (FM_IS_SESSION (self));
  queue = G_LIST_MODEL (fm_session_get_queue (self));
  fm_session_get_download_progress (self, done, total);
  *count = fm_session_get_n_downloads_active (self);
  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      if (!fm_upload_state_is_active (fm_upload_job_get_state (job)))
        continue;
      *done += fm_upload_job_get_bytes_sent (job);
      *total += MAX (fm_upload_job_get_bytes_total (job), 0);
      (*count)++;
    }
}

static char *
download_key (FmTransferFile *file)
{
  return g_strdup_printf ("%s/%s", fm_transfer_file_get_transfer_id (file) ? fm_transfer_file_get_transfer_id (file) : "",
                          fm_transfer_file_get_id (file) ? fm_transfer_file_get_id (file) : "");
}

FmDownloadJob *
fm_session_find_download (FmSession      *self,
                          FmTransferFile *file)
{
  g_autofree char *key = download_key (file);

  return g_hash_table_lookup (self->downloads_by_file, key);
}

static void forget_download (FmSession     *self,
                             FmDownloadJob *job);
static void start_downloads (FmSession *self);

static void
download_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FmSession) self = user_data;
  g_autoptr(GError) error = NULL;
  FmDownloadJob *job = FM_DOWNLOAD_JOB (source);
  FmTransferFile *file = fm_download_job_get_file (job);

  self->downloads_running--;
  /* the job's state and error tell the rows */
  if (!fm_download_job_run_finish (job, result, &error))
    {
      g_debug ("download stopped: %s", error->message);
      fm_session_report_error (self, error);
    }
  else if (self->record != NULL && file != NULL)
    fm_download_record_add (self->record, fm_transfer_file_get_transfer_id (file),
                            fm_transfer_file_get_id (file), fm_download_job_get_path (job));
  start_downloads (self);
  /* what was saved is on disk before anything else may end the program */
  if (self->downloads_running == 0 && self->record != NULL)
    fm_download_record_flush (self->record);
  update_busy (self);
}

/* At most FM_SESSION_DOWNLOADS_AT_ONCE files come down at once, the rest
 * wait their turn in order (a Download All of 10,000 files opens four
 * files and four connections, not 10,000). A job stopped while it waited
 * is passed over. */
static void
start_downloads (FmSession *self)
{
  while (self->downloads_running < FM_SESSION_DOWNLOADS_AT_ONCE && !g_queue_is_empty (&self->download_waiting))
    {
      g_autoptr(FmDownloadJob) job = g_queue_pop_head (&self->download_waiting);

      if (fm_download_job_get_state (job) != FM_DOWNLOAD_STATE_IDLE)
        continue;
      self->downloads_running++;
      fm_download_job_run_async (job, NULL, download_done_cb, g_object_ref (self));
    }
}

static void
forget_download (FmSession     *self,
                 FmDownloadJob *job)
{
  guint position;

  if (fm_download_job_get_file (job) != NULL)
    {
      g_autofree char *key = download_key (fm_download_job_get_file (job));

      if (g_hash_table_lookup (self->downloads_by_file, key) == job)
        g_hash_table_remove (self->downloads_by_file, key);
    }
  if (g_list_store_find (self->downloads, job, &position))
    g_list_store_remove (self->downloads, position);
}

/* Starts downloading @file into @folder (NULL: the download folder), now
 * or when its turn comes; a .part left there by an earlier attempt is
 * continued. The job replaces any earlier entry for the same file. */
FmDownloadJob *
fm_session_download (FmSession       *self,
                     FmTransferFile  *file,
                     const char      *folder,
                     GError         **error)
{
  g_autoptr(FmDownloadJob) job = NULL;
  FmDownloadJob *old;

  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  if (folder == NULL)
    folder = fm_session_get_download_folder (self);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the download folder “%s”: %s"), folder, g_strerror (saved));
      return NULL;
    }
  job = fm_download_job_new_for_file (fm_client_get_session (self->client), file, folder);
  fm_download_job_set_rate_limiter (job, fm_client_get_download_limit (self->client));
  if ((old = fm_session_find_download (self, file)) != NULL)
    forget_download (self, old);
  g_signal_connect_object (job, "notify::state", G_CALLBACK (download_state_cb), self, 0);
  g_signal_connect_object (job, "notify::bytes-received", G_CALLBACK (download_bytes_cb), self, 0);
  download_state_cb (job, NULL, self);
  g_list_store_insert (self->downloads, 0, job);
  g_hash_table_replace (self->downloads_by_file, download_key (file), job);
  g_queue_push_tail (&self->download_waiting, g_object_ref (job));
  start_downloads (self);
  update_busy (self);
  return job;   /* the list keeps it */
}

/* Where @file was saved, by this run or an earlier one, while it is still
 * there as saved; NULL otherwise. */
char *
fm_session_dup_saved_path (FmSession      *self,
                           FmTransferFile *file)
{
  FmDownloadJob *job;

  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  job = fm_session_find_download (self, file);
  if (job != NULL && fm_download_job_get_state (job) == FM_DOWNLOAD_STATE_DONE)
    return g_strdup (fm_download_job_get_path (job));
  if (job != NULL || self->record == NULL)
    return NULL;
  return fm_download_record_lookup (self->record, fm_transfer_file_get_transfer_id (file),
                                    fm_transfer_file_get_id (file));
}

/* Forgets downloads that are not running (the files stay). */
void
fm_session_clear_downloads (FmSession *self)
{
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->downloads)); i-- > 0;)
    {
      g_autoptr(FmDownloadJob) job = g_list_model_get_item (G_LIST_MODEL (self->downloads), i);

      if (fm_download_job_get_state (job) != FM_DOWNLOAD_STATE_RUNNING &&
          fm_download_job_get_state (job) != FM_DOWNLOAD_STATE_IDLE)
        forget_download (self, job);
    }
}

/* NULL for a session without a state folder. */
FmListCache *
fm_session_get_list_cache (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->lists;
}

/* Transfers opened by their link on this computer (fm-link-history.h);
 * NULL for a session without a state folder. */
FmLinkHistory *
fm_session_get_link_history (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return self->links;
}

/* "<server> <e-mail>": what is kept per account (the lists, the last look
 * at the Inbox) is kept under this; the account logged in, or the one
 * last logged in; NULL if none. */
char *
fm_session_dup_account_key (FmSession *self)
{
  const char *email = self->account_email != NULL ? self->account_email : self->last_email;

  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return email != NULL ? g_strdup_printf ("%s %s", fm_client_get_base_url (self->client), email) : NULL;
}

GNetworkMonitor *
fm_session_get_network_monitor (FmSession *self)
{
  g_return_val_if_fail (FM_IS_SESSION (self), NULL);
  return fm_upload_queue_get_network_monitor (self->queue);
}

void
fm_session_set_network_monitor (FmSession       *self,
                                GNetworkMonitor *monitor)
{
  g_return_if_fail (FM_IS_SESSION (self));
  fm_upload_queue_set_network_monitor (self->queue, monitor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_MONITOR]);
}

/* -------------------------------------------------------------- GObject */

static void
fm_session_dispose (GObject *object)
{
  FmSession *self = FM_SESSION (object);

  if (self->queue != NULL)
    g_signal_handlers_disconnect_by_data (self->queue, self);
  g_clear_object (&self->queue);
  g_queue_clear_full (&self->download_waiting, g_object_unref);
  g_clear_pointer (&self->downloads_by_file, g_hash_table_unref);
  g_clear_object (&self->downloads);
  g_clear_object (&self->record);
  g_clear_object (&self->lists);
  g_clear_object (&self->links);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (fm_session_parent_class)->dispose (object);
}

static void
fm_session_finalize (GObject *object)
{
  FmSession *self = FM_SESSION (object);

  g_free (self->account_email);
  g_free (self->last_email);
  g_free (self->download_folder);
  g_free (self->resolved_folder);
  G_OBJECT_CLASS (fm_session_parent_class)->finalize (object);
}

static void
fm_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FmSession *self = FM_SESSION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_EMAIL: g_value_set_string (value, self->account_email); break;
    case PROP_LAST_EMAIL: g_value_set_string (value, self->last_email); break;
    case PROP_LOGGED_IN: g_value_set_boolean (value, self->account_email != NULL); break;
    case PROP_DOWNLOAD_FOLDER: g_value_set_string (value, self->download_folder); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_NETWORK_MONITOR: g_value_set_object (value, fm_session_get_network_monitor (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_DOWNLOAD_FOLDER: fm_session_set_download_folder (FM_SESSION (object), g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_session_class_init (FmSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fm_session_dispose;
  object_class->finalize = fm_session_finalize;
  object_class->get_property = fm_session_get_property;
  object_class->set_property = fm_session_set_property;

  /* the e-mail of the logged-in account, NULL when logged out */
  properties[PROP_ACCOUNT_EMAIL] = g_param_spec_string ("account-email", NULL, NULL, NULL, flags);
  /* the address last logged in with, kept after a logout or an expiry */
  properties[PROP_LAST_EMAIL] = g_param_spec_string ("last-email", NULL, NULL, NULL, flags);
  properties[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in", NULL, NULL, FALSE, flags);
  properties[PROP_DOWNLOAD_FOLDER] = g_param_spec_string ("download-folder", NULL, NULL, NULL,
                                                          flags | G_PARAM_WRITABLE);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);
  /* what uploads wait on when the network goes; NULL for a server on this
   * computer (no network needed) */
  properties[PROP_NETWORK_MONITOR] = g_param_spec_object ("network-monitor", NULL, NULL,
                                                          G_TYPE_NETWORK_MONITOR, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the server said the login expired: ask for it again */
  signals[SIGNAL_LOGIN_EXPIRED] = g_signal_new ("login-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fm_session_init (FmSession *self)
{
  self->downloads = g_list_store_new (FM_TYPE_DOWNLOAD_JOB);
  self->downloads_by_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->download_waiting);
}

FmSession *
fm_session_new (FmClient     *client,
                FmQueueStore *store)
{
  FmSession *self = g_object_new (FM_TYPE_SESSION, NULL);

  self->client = g_object_ref (client);
  self->queue = fm_upload_queue_new (client, store);
  if (store != NULL)
    {
      /* beside the saved uploads: $XDG_STATE_HOME/filemail/downloads.json */
      g_autofree char *parent = g_path_get_dirname (fm_queue_store_get_directory (store));
      g_autofree char *path = g_build_filename (parent, "downloads.json", NULL);

      g_autofree char *lists = g_build_filename (parent, "lists", NULL);

      self->record = fm_download_record_new (path);
      g_autofree char *links = g_build_filename (parent, "received-links.json", NULL);

      self->lists = fm_list_cache_new (lists);
      self->links = fm_link_history_new (links);
    }
  g_signal_connect (self->queue, "items-changed", G_CALLBACK (queue_items_changed_cb), self);
  return self;
}

/* A session for @api_url with the queue in the state folder; reads no
 * settings (what `filemail COMMAND --help` needs). */
FmSession *
fm_session_new_for_url (const char  *api_url,
                        GError     **error)
{
  g_autoptr(FmClient) client = fm_client_new (api_url, error);
  g_autoptr(FmQueueStore) store = NULL;

  if (client == NULL)
    return NULL;
  store = fm_queue_store_new_default ();
  return fm_session_new (client, store);
}

/* A session for @api_url (NULL: FILEMAIL_API_URL or the settings, else
 * Filemail's), with the configured API key. */
FmSession *
fm_session_new_from_config (const char  *api_url,
                            GError     **error)
{
  g_autofree char *url = api_url != NULL ? g_strdup (api_url) : fm_config_get_api_url ();
  g_autofree char *key = NULL;
  FmSession *self = fm_session_new_for_url (url, error);

  if (self == NULL)
    return NULL;
  key = fm_config_get_api_key ();
  fm_client_set_api_key (self->client, key);
  return self;
}
