/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-client-transfers.c: the transfer, file and list endpoints of FmClient
 *
 * Each call names its path, its parameters (as the reference spells them),
 * whether it may be retried (reads only) and how its answer is parsed;
 * fm-client.c does the rest (fm-client-private.h).
 */
#define G_LOG_DOMAIN "fm-client"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-client-private.h"
#include "fm-error.h"
#include "fm-response.h"

/* ------------------------------------------------------------ transfers */

void
fm_client_transfer_initialize_async (FmClient                *self,
                                     const FmTransferOptions *options,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data)
{
  g_autofree char *days = options->days > 0 ? g_strdup_printf ("%d", options->days) : NULL;
  g_autofree char *size = options->transfer_size >= 0
                          ? g_strdup_printf ("%" G_GINT64_FORMAT, options->transfer_size) : NULL;
  const char *params[] = {
    "to", options->to && *options->to ? options->to : NULL,
    "from", options->from && *options->from ? options->from : NULL,
    "subject", options->subject && *options->subject ? options->subject : NULL,
    "message", options->message && *options->message ? options->message : NULL,
    /* only what the user chose: unsent, the account's setting applies */
    "notify", options->notify >= 0 ? _fm_client_bool_str (options->notify) : NULL,
    "confirmation", options->confirmation >= 0 ? _fm_client_bool_str (options->confirmation) : NULL,
    "days", days,
    "password", options->password && *options->password ? options->password : NULL,
    "transfersize", size,
    "source", "Desktop",
    NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  _fm_client_start_call (self, "/api/transfer/initialize", params, CALL_DEFAULT,
              fm_client_transfer_initialize_async, (FmParseFunc) fm_response_parse_ticket,
              (GDestroyNotify) fm_transfer_ticket_free, cancellable, callback, user_data);
}

FmTransferTicket *
fm_client_transfer_initialize_finish (FmClient      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_transfer_initialize_async, error);
}

void
fm_client_transfer_get_async (FmClient            *self,
                              const char          *transfer_id,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  const char *params[] = {
    "transferid", transfer_id, "password", password && *password ? password : NULL, NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  _fm_client_start_call (self, "/api/transfer/get", params, CALL_RETRY, fm_client_transfer_get_async,
              (FmParseFunc) fm_response_parse_transfer, g_object_unref,
              cancellable, callback, user_data);
}

FmTransfer *
fm_client_transfer_get_finish (FmClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_transfer_get_async, error);
}

void
fm_client_transfer_complete_async (FmClient            *self,
                                   const char          *transfer_id,
                                   const char          *transfer_key,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  const char *params[] = { "transferid", transfer_id, "transferkey", transfer_key, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  _fm_client_start_call (self, "/api/transfer/complete", params, CALL_DEFAULT,
              fm_client_transfer_complete_async, (FmParseFunc) fm_response_parse_complete,
              g_free, cancellable, callback, user_data);
}

/* Returns the transfer's download link ("" if the server gave none). */
char *
fm_client_transfer_complete_finish (FmClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_transfer_complete_async, error);
}

void
fm_client_transfer_forward_async (FmClient            *self,
                                  const char          *transfer_id,
                                  const char          *to,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  const char *params[] = { "transferid", transfer_id, "to", to, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_transfer_forward_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/forward", params, CALL_DEFAULT,
                fm_client_transfer_forward_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_transfer_forward_finish (FmClient      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_transfer_forward_async, error);
}

void
fm_client_transfer_cancel_async (FmClient            *self,
                                 const char          *transfer_id,
                                 const char          *transfer_key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *params[] = { "transferid", transfer_id, "transferkey", transfer_key, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  _fm_client_start_call (self, "/api/transfer/cancel", params, CALL_DEFAULT,
              fm_client_transfer_cancel_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_transfer_cancel_finish (FmClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_transfer_cancel_async, error);
}

void
fm_client_transfer_delete_async (FmClient            *self,
                                 const char          *transfer_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *params[] = { "transferid", transfer_id, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_transfer_delete_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/delete", params, CALL_DEFAULT,
                fm_client_transfer_delete_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_transfer_delete_finish (FmClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_transfer_delete_async, error);
}

void
fm_client_transfer_update_async (FmClient               *self,
                                 const char             *transfer_id,
                                 const FmTransferUpdate *update,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autofree char *days = update->days >= 0 ? g_strdup_printf ("%d", update->days) : NULL;
  const char *params[] = {
    "transferid", transfer_id,
    "subject", update->subject,
    "message", update->message,
    "days", days,
    "notify", update->notify >= 0 ? _fm_client_bool_str (update->notify) : NULL,
    NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_transfer_update_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/update", params, CALL_DEFAULT,
                fm_client_transfer_update_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_transfer_update_finish (FmClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_transfer_update_async, error);
}

/* ---------------------------------------------------------------- files */

/* The reference asks to avoid < > : " / \ | ? * in names; control
 * characters and the names "." and ".." are refused too, since they would
 * be unusable on the recipients' file systems. */
gboolean
fm_filename_is_valid_for_rename (const char *filename)
{
  if (filename == NULL || *filename == '\0' || !g_utf8_validate (filename, -1, NULL))
    return FALSE;
  if (strcmp (filename, ".") == 0 || strcmp (filename, "..") == 0)
    return FALSE;
  for (const char *p = filename; *p; p++)
    if (strchr ("<>:\"/\\|?*", *p) != NULL || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

void
fm_client_file_rename_async (FmClient            *self,
                             const char          *file_id,
                             const char          *filename,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const char *params[] = { "fileid", file_id, "filename", filename, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (!fm_filename_is_valid_for_rename (filename))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, fm_client_file_rename_async);
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_INVALID_PARAMETER,
                               "A file name cannot be empty or contain < > : \" / \\ | ? *");
      return;
    }
  if (_fm_client_check_logged_in (self, fm_client_file_rename_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/file/rename", params, CALL_DEFAULT,
                fm_client_file_rename_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_file_rename_finish (FmClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_file_rename_async, error);
}

void
fm_client_file_delete_async (FmClient            *self,
                             const char          *file_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const char *params[] = { "fileid", file_id, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_file_delete_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/file/delete", params, CALL_DEFAULT,
                fm_client_file_delete_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_file_delete_finish (FmClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_file_delete_async, error);
}

/* /api/ziptransfer: the reference names it and nothing more (file/delete:
 * "Remember to also update the ZIP file by invoking /api/ziptransfer
 * after removing files"). Sent: transferid and logintoken, the two a
 * transfer's owner has; an "ok" answer. */
void
fm_client_ziptransfer_async (FmClient            *self,
                             const char          *transfer_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const char *params[] = { "transferid", transfer_id, NULL };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_ziptransfer_async, callback, user_data))
    _fm_client_start_call (self, "/api/ziptransfer", params, CALL_DEFAULT,
                           fm_client_ziptransfer_async, NULL, NULL, cancellable, callback, user_data);
}

gboolean
fm_client_ziptransfer_finish (FmClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _fm_client_finish_ok (self, result, fm_client_ziptransfer_async, error);
}

/* Removing a file the way the reference asks: file/delete, then
 * /api/ziptransfer for its transfer. A file already gone (4004, 1005 on
 * a second try) still gets the ZIP updated. If only the ZIP failed the
 * error is FM_ERROR_ZIP_NOT_UPDATED: the file is removed, the ZIP may
 * still hold it, and fm_client_ziptransfer_async() is the Try Again. */
static void
remove_zip_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (fm_client_ziptransfer_finish (FM_CLIENT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || fm_error_is_auth_expired (error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_error (task, fm_error_new_with_detail (FM_ERROR_ZIP_NOT_UPDATED, error->message,
                                                         fm_error_get_message (FM_ERROR_ZIP_NOT_UPDATED)));
}

static void
remove_delete_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fm_client_file_delete_finish (FM_CLIENT (source), result, &error) &&
      !g_error_matches (error, FM_ERROR, FM_ERROR_FILE_IS_DELETED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  fm_client_ziptransfer_async (FM_CLIENT (source), g_task_get_task_data (task), g_task_get_cancellable (task),
                               remove_zip_done_cb, g_object_ref (task));
}

void
fm_client_file_remove_async (FmClient            *self,
                             const char          *transfer_id,
                             const char          *file_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fm_client_file_remove_async);
  g_task_set_task_data (task, g_strdup (transfer_id), g_free);
  fm_client_file_delete_async (self, file_id, cancellable, remove_delete_done_cb, g_steal_pointer (&task));
}

gboolean
fm_client_file_remove_finish (FmClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------- lists */

void
fm_client_sent_get_async (FmClient            *self,
                          gboolean             include_expired,
                          gboolean             for_all_users,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  const char *params[] = {
    "getexpired", _fm_client_bool_str (include_expired),
    "getforallusers", _fm_client_bool_str (for_all_users),
    NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_sent_get_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/sent/get", params, CALL_RETRY, fm_client_sent_get_async,
                (FmParseFunc) fm_response_parse_transfers, g_object_unref,
                cancellable, callback, user_data);
}

/* Returns a GListModel of FmTransfer. */
GListModel *
fm_client_sent_get_finish (FmClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_sent_get_async, error);
}

void
fm_client_received_get_async (FmClient            *self,
                              gboolean             for_all_users,
                              gint64               from_unix_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *from = from_unix_ms > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, from_unix_ms) : NULL;
  const char *params[] = {
    "getForAllUsers", _fm_client_bool_str (for_all_users),
    "from", from,
    NULL
  };

  g_return_if_fail (FM_IS_CLIENT (self));
  if (_fm_client_check_logged_in (self, fm_client_received_get_async, callback, user_data))
    _fm_client_start_call (self, "/api/transfer/received/get", params, CALL_RETRY,
                fm_client_received_get_async, (FmParseFunc) fm_response_parse_transfers,
                g_object_unref, cancellable, callback, user_data);
}

/* Returns a GListModel of FmTransfer. */
GListModel *
fm_client_received_get_finish (FmClient      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _fm_client_finish_pointer (self, result, fm_client_received_get_async, error);
}
