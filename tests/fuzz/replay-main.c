/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replay-main.c: runs a libFuzzer target over files, as a TAP test */
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  int n = 0;

  printf ("1..%d\n", argc - 1);
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *data = NULL;
      gsize size = 0;

      if (!g_file_get_contents (argv[i], &data, &size, NULL))
        {
          printf ("not ok %d - cannot read %s\n", ++n, argv[i]);
          continue;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
      printf ("ok %d - %s\n", ++n, argv[i]);
    }
  return 0;
}
