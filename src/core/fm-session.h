/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-session.h: a person using Filemail
 *
 * One per program: the client (the server, its API key, the login token),
 * the account and its login state, the upload queue (kept on disk) and the
 * downloads of this run. The CLI and the desktop app both build one and
 * nothing else; widgets get it by property.
 *
 * The login: fm_session_login_async() logs in and sets the account;
 * fm_session_keep_login_async() stores the token (keyring, else a 0600
 * file); fm_session_restore_login_async() brings a stored one back. When
 * the server says a login has expired (an upload failed for it, or a
 * caller reports it with fm_session_report_error()), the token is
 * dropped, the address is remembered (last-email) and "login-expired" is
 * emitted; uploads that failed for it go again after the next login.
 */
#pragma once

#include <gio/gio.h>

#include "fm-account.h"
#include "fm-client.h"
#include "fm-download-job.h"
#include "fm-link-history.h"
#include "fm-list-cache.h"
#include "fm-queue-store.h"
#include "fm-upload-queue.h"

G_BEGIN_DECLS

#define FM_SESSION_DOWNLOADS_AT_ONCE 4   /* files coming down at the same time */

#define FM_TYPE_SESSION (fm_session_get_type ())
G_DECLARE_FINAL_TYPE (FmSession, fm_session, FM, SESSION, GObject)

FmSession     *fm_session_new                 (FmClient       *client,
                                               FmQueueStore   *store);
FmSession     *fm_session_new_for_url         (const char     *api_url,
                                               GError        **error);
FmSession     *fm_session_new_from_config     (const char     *api_url,
                                               GError        **error);
FmClient      *fm_session_get_client          (FmSession      *self);
FmUploadQueue *fm_session_get_queue           (FmSession      *self);

/* the account */
const char    *fm_session_get_account_email   (FmSession      *self);
const char    *fm_session_get_last_email      (FmSession      *self);
gboolean       fm_session_is_logged_in        (FmSession      *self);
void           fm_session_set_account         (FmSession      *self,
                                               const char     *email,
                                               const char     *token);
void           fm_session_report_error        (FmSession      *self,
                                               const GError   *error);
void           fm_session_login_async         (FmSession           *self,
                                               const char          *email,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       fm_session_login_finish        (FmSession      *self,
                                               GAsyncResult   *result,
                                               GError        **error);
void           fm_session_keep_login_async    (FmSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       fm_session_keep_login_finish   (FmSession      *self,
                                               GAsyncResult   *result,
                                               FmAccountStorage *storage,
                                               GError        **error);
void           fm_session_restore_login_async (FmSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       fm_session_restore_login_finish (FmSession     *self,
                                               GAsyncResult   *result,
                                               GError        **error);
void           fm_session_logout_async        (FmSession           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       fm_session_logout_finish       (FmSession      *self,
                                               GAsyncResult   *result,
                                               GError        **server_error,
                                               GError        **error);

/* downloads: a GListModel of FmDownloadJob, newest first, one per file */
GListModel    *fm_session_get_downloads       (FmSession      *self);
const char    *fm_session_get_download_folder (FmSession      *self);
void           fm_session_set_download_folder (FmSession      *self,
                                               const char     *folder);
guint          fm_session_get_n_downloading   (FmSession      *self);
guint          fm_session_get_n_downloads_active (FmSession   *self);
void           fm_session_get_download_progress (FmSession    *self,
                                                gint64         *done,
                                                gint64         *total);
void           fm_session_get_transfer_progress (FmSession    *self,
                                                gint64         *done,
                                                gint64         *total,
                                                gint64         *count);
FmDownloadJob *fm_session_download            (FmSession      *self,
                                               FmTransferFile *file,
                                               const char     *folder,
                                               GError        **error);
FmDownloadJob *fm_session_find_download       (FmSession      *self,
                                               FmTransferFile *file);
void           fm_session_clear_downloads     (FmSession      *self);
char          *fm_session_dup_saved_path      (FmSession      *self,
                                               FmTransferFile *file);
gboolean       fm_session_is_busy             (FmSession      *self);
GNetworkMonitor *fm_session_get_network_monitor (FmSession    *self);
void           fm_session_set_network_monitor (FmSession      *self,
                                               GNetworkMonitor *monitor);
FmListCache   *fm_session_get_list_cache      (FmSession      *self);
FmLinkHistory *fm_session_get_link_history    (FmSession      *self);
char          *fm_session_dup_account_key     (FmSession      *self);

G_END_DECLS
