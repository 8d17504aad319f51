/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-link-history.h: transfers opened by their link on this computer
 *
 * A recipient without an account has no Inbox: what they opened by link
 * is remembered here so they find it again without the e-mail.
 * $XDG_STATE_HOME/filemail/received-links.json, mode 0600, read through
 * fm-state-file (bounded, no links followed) and checked like a server's
 * answer: {"version": 1, "links": [{"server": BASE, "opened": UNIX,
 * "transfer": {transfer/get's fields without files}}]}, newest first, at
 * most FM_LINK_HISTORY_MAX. No passwords and no download addresses are
 * kept: opening the entry asks transfer/get again.
 */
#pragma once

#include <gio/gio.h>

#include "fm-transfer.h"

G_BEGIN_DECLS

#define FM_LINK_HISTORY_MAX 1000

#define FM_TYPE_LINK_HISTORY (fm_link_history_get_type ())
G_DECLARE_FINAL_TYPE (FmLinkHistory, fm_link_history, FM, LINK_HISTORY, GObject)

FmLinkHistory *fm_link_history_new          (const char    *path);
const char    *fm_link_history_get_path     (FmLinkHistory *self);
gboolean       fm_link_history_remember     (FmLinkHistory *self,
                                             const char    *server,
                                             const char    *transfer_id,
                                             FmTransfer    *details,
                                             GError       **error);
gboolean       fm_link_history_update       (FmLinkHistory *self,
                                             const char    *server,
                                             FmTransfer    *details,
                                             GError       **error);
gboolean       fm_link_history_forget       (FmLinkHistory *self,
                                             const char    *server,
                                             const char    *transfer_id,
                                             GError       **error);
gboolean       fm_link_history_contains     (FmLinkHistory *self,
                                             const char    *server,
                                             const char    *transfer_id);
GListModel    *fm_link_history_list         (FmLinkHistory *self,
                                             const char    *server);
GPtrArray     *fm_link_history_search       (FmLinkHistory *self,
                                             const char    *server,
                                             const char * const *terms);
FmTransfer    *fm_link_history_lookup       (FmLinkHistory *self,
                                             const char    *server,
                                             const char    *id);

G_END_DECLS
