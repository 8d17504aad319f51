/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-account.h: where the login token lives between runs
 *
 * In the Secret Service (GNOME Keyring, KWallet) under the schema
 * com.filemail.Desktop.LoginToken, keyed by server; where none runs (a
 * headless box, a minimal session), in a file only the user can read,
 * $XDG_STATE_HOME/filemail/login-<hash>, and the caller is told so it can
 * warn. FILEMAIL_LOGINTOKEN, when set, overrides whatever is stored.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  FM_ACCOUNT_STORED_KEYRING,
  FM_ACCOUNT_STORED_FILE,
} FmAccountStorage;

gboolean  fm_account_store    (const char        *server,
                               const char        *email,
                               const char        *token,
                               FmAccountStorage  *storage,
                               GError           **error);
char     *fm_account_lookup   (const char        *server,
                               char             **email,
                               GError           **error);
gboolean  fm_account_clear    (const char        *server,
                               GError           **error);

void      fm_account_lookup_async  (const char          *server,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
char     *fm_account_lookup_finish (GAsyncResult        *result,
                                    char               **email,
                                    GError             **error);
void      fm_account_store_async   (const char          *server,
                                    const char          *email,
                                    const char          *token,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  fm_account_store_finish  (GAsyncResult        *result,
                                    FmAccountStorage    *storage,
                                    GError             **error);
void      fm_account_clear_async   (const char          *server,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  fm_account_clear_finish  (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
