/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-cli-qr.c: a link as a QR code on a terminal
 *
 * Two rows of modules per line of text, with the half blocks ▀ ▄ █ as ink
 * (level M, as the app's QR code, and a quiet zone of two modules). On a
 * terminal the code is drawn black on white whatever the terminal's own
 * colours (a scanner wants dark modules on light); into a file or a pipe
 * without escape sequences, ink being dark on a light page.
 */
#include <qrencode.h>

#include "fm-cli-qr.h"

#define QUIET 2

static gboolean
is_dark (const QRcode *qr,
         int           x,
         int           y)
{
  if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
    return FALSE;
  return qr->data[y * qr->width + x] & 1;
}

gboolean
fm_cli_print_qr (FILE       *out,
                 const char *text,
                 gboolean    colors)
{
  static const char *const blocks[] = { " ", "▄", "▀", "█" };   /* [top << 1 | bottom] */
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  int size;

  if (qr == NULL)
    return FALSE;   /* too long for a QR code: the link alone is printed */
  size = qr->width + 2 * QUIET;
  for (int y = 0; y < size; y += 2)
    {
      if (colors)
        fputs ("\033[30;47m", out);
      for (int x = 0; x < size; x++)
        {
          int top = is_dark (qr, x - QUIET, y - QUIET);
          int bottom = y + 1 < size && is_dark (qr, x - QUIET, y + 1 - QUIET);

          fputs (blocks[top << 1 | bottom], out);
        }
      fputs (colors ? "\033[0m\n" : "\n", out);
    }
  QRcode_free (qr);
  return TRUE;
}
