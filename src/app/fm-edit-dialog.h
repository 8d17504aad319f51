/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-edit-dialog.h: change a sent transfer's subject, message, expiry and
 * notification */
#pragma once

#include <adwaita.h>

#include "fm-client.h"
#include "fm-transfer.h"

G_BEGIN_DECLS

#define FM_TYPE_EDIT_DIALOG (fm_edit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FmEditDialog, fm_edit_dialog, FM, EDIT_DIALOG, AdwMessageDialog)

FmEditDialog *fm_edit_dialog_new        (GtkWindow        *parent,
                                         FmTransfer       *transfer);
gboolean      fm_edit_dialog_get_update (FmEditDialog     *self,
                                         FmTransferUpdate *update);
gboolean      fm_edit_dialog_expires_at_once (FmEditDialog *self);

G_END_DECLS
