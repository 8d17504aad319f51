/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-qr-code.h: a link as a QR code, crisp at any size
 *
 * Encoded with libqrencode (error correction M), drawn as whole-pixel
 * squares with the four-module quiet zone the standard asks for, always
 * dark on white (a dark theme does not invert it: scanners expect this).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FM_TYPE_QR_CODE (fm_qr_code_get_type ())
G_DECLARE_FINAL_TYPE (FmQrCode, fm_qr_code, FM, QR_CODE, GtkWidget)

GtkWidget  *fm_qr_code_new      (const char *text);
const char *fm_qr_code_get_text (FmQrCode   *self);
void        fm_qr_code_set_text (FmQrCode   *self,
                                 const char *text);
int         fm_qr_code_get_modules (FmQrCode *self);

G_END_DECLS
