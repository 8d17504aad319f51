/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-search-provider.h: the Activities overview finds transfers
 *
 * org.gnome.Shell.SearchProvider2 on the application's bus name, at
 * /com/filemail/Desktop/SearchProvider (see data/com.filemail.Desktop.search-provider.ini):
 * every term must be in the subject, the sender, a recipient or a file
 * name of a transfer in the last known Inbox or Outbox (FmListCache: no
 * request to the server while the user types). A result opens the
 * transfer in the window; "search in the app" opens the list searched.
 */
#pragma once

#include <gio/gio.h>

#include "fm-session.h"

G_BEGIN_DECLS

#define FM_SEARCH_PROVIDER_PATH "/com/filemail/Desktop/SearchProvider"

#define FM_TYPE_SEARCH_PROVIDER (fm_search_provider_get_type ())
G_DECLARE_FINAL_TYPE (FmSearchProvider, fm_search_provider, FM, SEARCH_PROVIDER, GObject)

typedef FmSession *(*FmSessionGetter) (GApplication *application);

FmSearchProvider *fm_search_provider_new      (GApplication     *application,
                                               FmSessionGetter   get_session);
gboolean          fm_search_provider_export   (FmSearchProvider *self,
                                               GDBusConnection  *connection,
                                               GError          **error);
void              fm_search_provider_unexport (FmSearchProvider *self);

G_END_DECLS
