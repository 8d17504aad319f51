/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer.h: a Filemail transfer, as /api/transfer/get and the
 * sent/received lists describe it */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fm-transfer-file.h"

G_BEGIN_DECLS

#define FM_TYPE_TRANSFER (fm_transfer_get_type ())
G_DECLARE_FINAL_TYPE (FmTransfer, fm_transfer, FM, TRANSFER, GObject)

FmTransfer   *fm_transfer_new_from_json  (JsonObject  *object,
                                          GError     **error);
const char   *fm_transfer_get_id         (FmTransfer  *self);
gboolean      fm_transfer_id_equal       (const char  *a,
                                          const char  *b);
const char   *fm_transfer_get_from       (FmTransfer  *self);
/* Empty unless fm_transfer_get_recipients_known(): the API never says. */
const char * const *fm_transfer_get_to   (FmTransfer  *self);
const char   *fm_transfer_get_subject    (FmTransfer  *self);
char         *fm_transfer_dup_title      (FmTransfer  *self);
void          fm_transfer_set_subject    (FmTransfer  *self,
                                          const char  *subject);
const char   *fm_transfer_get_message    (FmTransfer  *self);
void          fm_transfer_set_message    (FmTransfer  *self,
                                          const char  *message);
gint64        fm_transfer_get_sent_date  (FmTransfer  *self);
gint64        fm_transfer_get_expire_date (FmTransfer *self);
void          fm_transfer_set_expire_date (FmTransfer *self,
                                          gint64       unix_time);
gboolean      fm_transfer_is_expired     (FmTransfer  *self,
                                          gint64       now_unix);
gint64        fm_transfer_get_downloads  (FmTransfer  *self);
gboolean      fm_transfer_get_notify     (FmTransfer  *self);
void          fm_transfer_set_notify     (FmTransfer  *self,
                                          gboolean     notify);
const char   *fm_transfer_get_status     (FmTransfer  *self);
const char   *fm_transfer_get_url        (FmTransfer  *self);
/* -1 until known: list items carry no size. */
gint64        fm_transfer_get_size       (FmTransfer  *self);
GListModel   *fm_transfer_get_files      (FmTransfer  *self);
guint         fm_transfer_get_n_files    (FmTransfer  *self);
gboolean      fm_transfer_get_details_loaded (FmTransfer *self);
void          fm_transfer_set_details_loaded (FmTransfer *self);
void          fm_transfer_merge_details  (FmTransfer  *self,
                                          FmTransfer  *details);
void          fm_transfer_set_recipients (FmTransfer  *self,
                                          const char * const *to);
gboolean      fm_transfer_get_recipients_known (FmTransfer *self);
JsonObject   *fm_transfer_to_json        (FmTransfer  *self);
GStrv         fm_transfer_fold_terms     (const char * const *terms);
gboolean      fm_transfer_matches        (FmTransfer  *self,
                                          const char * const *folded_terms);
FmTransfer   *fm_transfer_new_from_cache (JsonObject  *object,
                                          GError     **error);

G_END_DECLS
