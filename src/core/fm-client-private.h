/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-client-private.h: the call machinery of fm-client.c, for the files
 * that add endpoints to FmClient (fm-client-transfers.c). Internal. */
#pragma once

#include <json-glib/json-glib.h>

#include "fm-client.h"

G_BEGIN_DECLS

typedef gpointer (*FmParseFunc) (JsonObject *root, GError **error);

typedef enum {
  CALL_DEFAULT = 0,
  CALL_NO_TOKEN = 1 << 0,   /* login must not send a stale token */
  CALL_RETRY = 1 << 1,      /* idempotent: 5xx, timeouts, a captive portal are tried again */
} CallFlags;

void        _fm_client_start_call      (FmClient            *self,
                                        const char          *path,
                                        const char * const  *params,
                                        CallFlags            flags,
                                        gpointer             source_tag,
                                        FmParseFunc          parse,
                                        GDestroyNotify       free_result,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gpointer    _fm_client_finish_pointer  (FmClient            *self,
                                        GAsyncResult        *result,
                                        gpointer             source_tag,
                                        GError             **error);
gboolean    _fm_client_finish_ok       (FmClient            *self,
                                        GAsyncResult        *result,
                                        gpointer             source_tag,
                                        GError             **error);
gboolean    _fm_client_check_logged_in (FmClient            *self,
                                        gpointer             source_tag,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
const char *_fm_client_bool_str        (gboolean             value);

G_END_DECLS
