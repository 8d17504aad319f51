/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-http.h: one guarded way to send a request and read its answer
 *
 * Every answer from outside is hostile until read: its body is read up to
 * a cap (a 1 GB answer or a gzip bomb stops there), redirects are never
 * followed behind the caller's back (each hop must pass the URL rule), a
 * deadline bounds the whole exchange (a server that drips one byte a
 * minute cannot hold a call forever), and transport failures become
 * FM_ERROR codes a person can read: a refused certificate says what is
 * wrong with it and is never retried.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

void          fm_http_send_and_read_async  (SoupSession         *session,
                                            SoupMessage         *msg,
                                            gsize                max_size,
                                            guint                deadline_s,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GBytes       *fm_http_send_and_read_finish (GAsyncResult        *result,
                                            GError             **error);
SoupMessage  *fm_http_get_message          (GAsyncResult        *result);

void          fm_http_prepare_message      (SoupMessage         *msg);
GError       *fm_http_transport_error      (SoupMessage         *msg,
                                            GError              *error);
GError       *fm_http_connection_error     (const char          *host,
                                            guint                tls_errors,
                                            GError              *error);
guint         fm_http_certificate_flags_record (GTlsCertificateFlags errors);
GError       *fm_http_answer_too_large     (gsize                max_size);
char         *fm_http_redirect_target      (SoupMessage         *msg,
                                            GError             **error);
gboolean      fm_http_status_is_redirect   (guint                status);

G_END_DECLS
