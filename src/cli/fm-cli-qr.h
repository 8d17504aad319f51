/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-qr.h: a link as a QR code on a terminal (`filemail send --qr`) */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

gboolean fm_cli_print_qr (FILE       *out,
                          const char *text,
                          gboolean    colors);

G_END_DECLS
