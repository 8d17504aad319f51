/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-qr-dialog.h: "Show QR Code": a link to scan, written under it */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwMessageDialog *fm_qr_dialog_new (GtkWindow  *parent,
                                    const char *url);

G_END_DECLS
