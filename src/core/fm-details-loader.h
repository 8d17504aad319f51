/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-details-loader.h: transfer/get for the list items that are shown
 *
 * The reference's lists carry no size, files, link or (for received
 * transfers) sender: "Invoke /api/transfer/get in order to get filelist".
 * A list asks this loader for the items a person can see (a row bound on
 * screen, or every item for the command line); it fetches them at most
 * FM_DETAILS_MAX_IN_FLIGHT at a time, newest wish first, each at most once
 * until reset (a refreshed list), and merges each answer into its item
 * (fm_transfer_merge_details()), so bound rows update themselves. A row
 * scrolled away before its turn is dropped from the queue.
 */
#pragma once

#include "fm-client.h"
#include "fm-transfer.h"

G_BEGIN_DECLS

#define FM_DETAILS_MAX_IN_FLIGHT 4

#define FM_TYPE_DETAILS_LOADER (fm_details_loader_get_type ())
G_DECLARE_FINAL_TYPE (FmDetailsLoader, fm_details_loader, FM, DETAILS_LOADER, GObject)

FmDetailsLoader *fm_details_loader_new        (FmClient        *client);
void             fm_details_loader_want       (FmDetailsLoader *self,
                                               FmTransfer      *transfer);
void             fm_details_loader_unwant     (FmDetailsLoader *self,
                                               FmTransfer      *transfer);
void             fm_details_loader_reset      (FmDetailsLoader *self);
gboolean         fm_details_loader_is_idle    (FmDetailsLoader *self);
guint            fm_details_loader_get_requests (FmDetailsLoader *self);
guint            fm_details_loader_get_max_in_flight (FmDetailsLoader *self);
const GError    *fm_details_loader_get_error  (FmDetailsLoader *self,
                                               FmTransfer      *transfer);

G_END_DECLS
