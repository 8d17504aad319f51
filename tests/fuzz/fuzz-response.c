/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-response.c: libFuzzer target for the API response parser
 *
 * Built as a real fuzzer with -Dfuzzers=true under clang (see HACKING.md);
 * otherwise linked with replay-main.c and run over corpus/ by meson test,
 * so every seed stays a regression test.
 */
#include <stdint.h>

#include "fm-response.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(JsonObject) root = fm_response_parse (bytes, NULL);
  g_autoptr(FmTransfer) transfer = NULL;
  g_autoptr(GListStore) list = NULL;
  g_autoptr(FmTransferTicket) ticket = NULL;
  g_autofree char *token = NULL, *url = NULL;

  if (root == NULL)
    return 0;
  transfer = fm_response_parse_transfer (root, NULL);
  list = fm_response_parse_transfers (root, NULL);
  ticket = fm_response_parse_ticket (root, NULL);
  token = fm_response_parse_login (root, NULL);
  url = fm_response_parse_complete (root, NULL);
  if (transfer != NULL)
    {
      GListModel *files = fm_transfer_get_files (transfer);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_object_unref (g_list_model_get_item (files, i));
    }
  return 0;
}
