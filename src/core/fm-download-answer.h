/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-download-answer.h: what a file server meant when it sent no file (see fm-download-answer.c) */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean  fm_download_answer_may_be_error (SoupMessage          *msg,
                                           gint64                expected);
void      fm_download_answer_read_async   (GInputStream         *input,
                                           SoupMessage          *msg,
                                           const char           *name,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GError   *fm_download_answer_read_finish  (GAsyncResult         *result,
                                           gboolean             *retry);

G_END_DECLS
