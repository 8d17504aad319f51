/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-client.h: the Filemail API as an async GObject service
 *
 * One _async/_finish pair per endpoint of the API reference. Parameters go
 * in a POST form body, so secrets (password, logintoken, transferkey) never
 * appear in a URL; the login token and API key are added to every call
 * when set. Every answer is checked (HTTP status, JSON shape,
 * responsestatus) and a failure is an FM_ERROR.
 */
#pragma once

#include <libsoup/soup.h>

#include "fm-chunk-sender.h"
#include "fm-rate-limiter.h"
#include "fm-response.h"
#include "fm-retry-policy.h"
#include "fm-transfer.h"
#include "fm-transfer-options.h"

G_BEGIN_DECLS

#define FM_DEFAULT_API_URL "https://www.filemail.com"
/* "We recommend to upload not more than 4 chunks in parallel." */
#define FM_CLIENT_MAX_CHUNKS_PER_HOST 4
/* A whole API call, answer read to the end: 2 minutes. */
#define FM_CLIENT_CALL_TIMEOUT_DEFAULT 120

#define FM_TYPE_CLIENT (fm_client_get_type ())
G_DECLARE_FINAL_TYPE (FmClient, fm_client, FM, CLIENT, GObject)


/* Which fields /api/transfer/update changes; NULL / -1 leave one alone. */
typedef struct {
  const char *subject;
  const char *message;
  int         days;        /* -1: unchanged */
  int         notify;      /* -1: unchanged, 0 or 1 */
} FmTransferUpdate;

#define FM_TRANSFER_UPDATE_INIT { NULL, NULL, -1, -1 }

FmClient    *fm_client_new              (const char  *base_url,
                                         GError     **error);
guint        fm_client_default_call_timeout (void);
gboolean     fm_client_set_ca_file      (FmClient    *self,
                                         const char  *ca_file,
                                         GError     **error);
void         fm_client_ensure_types     (void);
void         fm_client_set_retry_policy (FmClient    *self,
                                         FmRetryPolicy *policy);
char        *fm_client_upgrade_url      (const char  *url);
gboolean     fm_client_take_upload_slot (FmClient    *self,
                                         const char  *url);
void         fm_client_release_upload_slot (FmClient *self,
                                         const char  *url);
gboolean     fm_client_url_is_safe_to_open (const char *url);
gboolean     fm_client_check_url        (const char  *url,
                                         GError     **error);
char        *fm_client_redact_uri       (const char  *uri);
gboolean     fm_client_url_is_loopback  (const char  *url);
const char  *fm_client_get_base_url     (FmClient    *self);
SoupSession *fm_client_get_session      (FmClient    *self);
FmChunkSender *fm_client_get_chunk_sender (FmClient  *self);
FmRateLimiter *fm_client_get_upload_limit   (FmClient *self);
FmRateLimiter *fm_client_get_download_limit (FmClient *self);
const char  *fm_client_get_login_token  (FmClient    *self);
void         fm_client_set_login_token  (FmClient    *self,
                                         const char  *token);
const char  *fm_client_get_api_key      (FmClient    *self);
void         fm_client_set_api_key      (FmClient    *self,
                                         const char  *api_key);

/* The generic call every endpoint goes through: @params is a NULL-ended
 * list of name, value pairs (a NULL value skips the pair). */
void         fm_client_call_async       (FmClient            *self,
                                         const char          *path,
                                         const char * const  *params,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonObject  *fm_client_call_finish      (FmClient            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

void         fm_client_login_async      (FmClient            *self,
                                         const char          *username,
                                         const char          *password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
char        *fm_client_login_finish     (FmClient            *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void         fm_client_logout_async     (FmClient            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     fm_client_logout_finish    (FmClient            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

void              fm_client_transfer_initialize_async  (FmClient                *self,
                                                        const FmTransferOptions *options,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
FmTransferTicket *fm_client_transfer_initialize_finish (FmClient                *self,
                                                        GAsyncResult            *result,
                                                        GError                 **error);
void        fm_client_transfer_get_async      (FmClient            *self,
                                               const char          *transfer_id,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
FmTransfer *fm_client_transfer_get_finish     (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_transfer_complete_async (FmClient            *self,
                                               const char          *transfer_id,
                                               const char          *transfer_key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char       *fm_client_transfer_complete_finish (FmClient           *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_transfer_forward_async  (FmClient            *self,
                                               const char          *transfer_id,
                                               const char          *to,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_transfer_forward_finish (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_transfer_cancel_async   (FmClient            *self,
                                               const char          *transfer_id,
                                               const char          *transfer_key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_transfer_cancel_finish  (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_transfer_delete_async   (FmClient            *self,
                                               const char          *transfer_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_transfer_delete_finish  (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_transfer_update_async   (FmClient               *self,
                                               const char             *transfer_id,
                                               const FmTransferUpdate *update,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
gboolean    fm_client_transfer_update_finish  (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_file_rename_async       (FmClient            *self,
                                               const char          *file_id,
                                               const char          *filename,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_file_rename_finish      (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_file_delete_async       (FmClient            *self,
                                               const char          *file_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_file_delete_finish      (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_ziptransfer_async       (FmClient            *self,
                                               const char          *transfer_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_ziptransfer_finish      (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_file_remove_async       (FmClient            *self,
                                               const char          *transfer_id,
                                               const char          *file_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    fm_client_file_remove_finish      (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_sent_get_async          (FmClient            *self,
                                               gboolean             include_expired,
                                               gboolean             for_all_users,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel *fm_client_sent_get_finish         (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void        fm_client_received_get_async      (FmClient            *self,
                                               gboolean             for_all_users,
                                               gint64               from_unix_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel *fm_client_received_get_finish     (FmClient            *self,
                                               GAsyncResult        *result,
                                               GError             **error);

gboolean    fm_filename_is_valid_for_rename   (const char          *filename);

G_END_DECLS
