/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-response.h: turning a Filemail API answer into data or an FM_ERROR
 *
 * Kept apart from FmClient so the unit tests and the fuzzer drive it with
 * bytes, without a network.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fm-transfer.h"

G_BEGIN_DECLS

/* The largest API answer accepted. A list of 10,000 transfers in the
 * reference's shape is about 3 MB; 32 MiB leaves room and still stops a
 * hostile or broken server from filling memory. */
#define FM_RESPONSE_MAX_SIZE (32 * 1024 * 1024)

/* What /api/transfer/initialize hands back: where and how to upload. */
typedef struct {
  char *id;
  char *key;
  char *url;
} FmTransferTicket;

#define FM_TYPE_TRANSFER_TICKET (fm_transfer_ticket_get_type ())
GType             fm_transfer_ticket_get_type (void) G_GNUC_CONST;
FmTransferTicket *fm_transfer_ticket_new      (const char             *id,
                                               const char             *key,
                                               const char             *url);
FmTransferTicket *fm_transfer_ticket_copy     (const FmTransferTicket *ticket);
void              fm_transfer_ticket_free     (FmTransferTicket       *ticket);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmTransferTicket, fm_transfer_ticket_free)

JsonObject       *fm_response_parse            (GBytes      *body,
                                                GError     **error);
FmTransfer       *fm_response_parse_transfer   (JsonObject  *root,
                                                GError     **error);
GListStore       *fm_response_parse_transfers  (JsonObject  *root,
                                                GError     **error);
FmTransferTicket *fm_response_parse_ticket     (JsonObject  *root,
                                                GError     **error);
char             *fm_response_parse_login      (JsonObject  *root,
                                                GError     **error);
char             *fm_response_parse_complete   (JsonObject  *root,
                                                GError     **error);

G_END_DECLS
