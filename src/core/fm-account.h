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

G_END_DECLS
