/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-tls-database.h: the system's trust, plus a company's CA
 *
 * A company that runs Filemail on its own domain may sign its servers'
 * certificates with its own authority. The user can trust that authority
 * (FILEMAIL_CA_FILE, `filemail --ca-file`, the "ca-file" setting): a chain
 * the system store does not know is then checked against that PEM file.
 * The system store stays: everything it trusts is still trusted, and a
 * certificate that is expired or for another name is refused whatever the
 * file says.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_TYPE_TLS_DATABASE (fm_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (FmTlsDatabase, fm_tls_database, FM, TLS_DATABASE, GTlsDatabase)

GTlsDatabase *fm_tls_database_new (const char  *ca_file,
                                   GError     **error);

G_END_DECLS
