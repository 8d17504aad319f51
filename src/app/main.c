/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: filemail-desktop */
#include <locale.h>

#include <glib/gi18n.h>

#include "fm-application.h"
#include "fm-client.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FmApplication) app = NULL;

  /* FILEMAIL_LOCALEDIR: the build tree's catalogues, for `meson devenv`
   * and the tests; installed, the translations are under LOCALEDIR */
  const char *localedir = g_getenv ("FILEMAIL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  fm_client_ensure_types ();
  app = fm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
