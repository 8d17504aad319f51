/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-error.h: the FM_ERROR domain
 *
 * Every error code of the Filemail API reference (1001–6008), with the
 * server's errorname, plus client-side codes (9001+) for failures that never
 * reach the server or that the server answers in a way we cannot use.
 * fm_error_get_message() gives each code a translatable, human sentence for
 * the UI.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_ERROR (fm_error_quark ())

/**
 * FmError:
 *
 * Codes 1001–6008 are the server's own (see the API reference's error
 * table); 9001 and up are raised by the client itself.
 */
typedef enum {
  FM_ERROR_UNKNOWN_ERROR = 1001,
  FM_ERROR_INVALID_PARAMETER = 1002,
  FM_ERROR_INPUT_PARAMETER_MISSING = 1003,
  FM_ERROR_INVALID_EMAIL = 1004,
  FM_ERROR_NOT_FOUND = 1005,
  FM_ERROR_CANT_REMOVE_LAST_CORP_ADMIN = 1006,
  FM_ERROR_CANT_REMOVE_YOURSELF = 1007,
  FM_ERROR_CANT_REMOVE_ADMIN_ROLE_FOR_YOURSELF = 1008,
  FM_ERROR_SERVICE_INTERRUPTION = 1009,
  FM_ERROR_WRONG_USERNAME_PASSWORD = 2001,
  FM_ERROR_PASSWORD_TOO_WEAK = 2002,
  FM_ERROR_INVALID_OR_EXPIRED_LOGIN_TOKEN = 2003,
  FM_ERROR_ACCOUNT_EXPIRED = 2004,
  FM_ERROR_CAPTCHA_REQUIRED_FOR_NEXT_LOGIN = 2005,
  FM_ERROR_LDAP_UNABLE_TO_CREATE_USER = 2006,
  FM_ERROR_LDAP_WRONG_USERNAME_PASSWORD = 2007,
  FM_ERROR_ACCESS_DENIED = 2008,
  FM_ERROR_CORP_AUTHENTICATION_REQUIRED = 2009,
  FM_ERROR_INVALID_REQUEST = 2010,
  FM_ERROR_USE_SSO_LINK = 2011,
  FM_ERROR_SSO_SESSION_EXPIRED = 2012,
  FM_ERROR_SSO_COMPANY_DOES_NOT_USE_AD_LOGIN = 2013,
  FM_ERROR_SSO_GROUP_ID_NOT_SUPPORTED = 2014,
  FM_ERROR_SSO_SIGNATURE_INVALID = 2015,
  FM_ERROR_TWO_FACTOR_TOKEN_NOT_FOUND = 2016,
  FM_ERROR_TWO_FACTOR_USER_NOT_FOUND = 2017,
  FM_ERROR_TWO_FACTOR_PIN_NOT_VALID = 2018,
  FM_ERROR_PASSWORD_RESET_REQUIRED = 2019,
  FM_ERROR_SSO_USER_DISABLED = 2020,
  FM_ERROR_SSO_LOGIN_GENERAL_ERROR = 2021,
  FM_ERROR_SSO_MISSING_AUTH_CODE = 2022,
  FM_ERROR_REFRESH_TOKEN_EXPIRED = 2040,
  FM_ERROR_REFRESH_TOKEN_ALREADY_USED = 2041,
  FM_ERROR_BUSINESS_ACCOUNT_EXISTS_REGISTRATION_REQUIRED = 3001,
  FM_ERROR_USER_ACCOUNT_EXISTS_LOGIN_REQUIRED = 3002,
  FM_ERROR_BLOCKED = 3003,
  FM_ERROR_ALL_FILESERVERS_BUSY = 3004,
  FM_ERROR_FREE_LIMIT_REACHED = 3005,
  FM_ERROR_ACCOUNT_EXPIRED_AND_OUT_OF_TRANSFER_CREDITS = 3006,
  FM_ERROR_EMAIL_NOT_VERIFIED = 3007,
  FM_ERROR_FEATURE_AVAILABLE_FOR_REGISTERED_USERS = 3008,
  FM_ERROR_FILE_SIZE_BLOCK_SENDER = 3009,
  FM_ERROR_FILE_SIZE_BLOCK_RECIPIENT = 3010,
  FM_ERROR_TOO_MANY_RECIPIENTS = 3011,
  FM_ERROR_INVALID_TRANSFER_STATE = 3100,
  FM_ERROR_TRANSFER_EXPIRED = 4001,
  FM_ERROR_PASSWORD_REQUIRED = 4002,
  FM_ERROR_UPLOAD_NOT_COMPLETE = 4003,
  FM_ERROR_FILE_IS_DELETED = 4004,
  FM_ERROR_UPLOAD_RECENTLY_UPDATED = 4005,
  FM_ERROR_FILE_IS_INFECTED = 4006,
  FM_ERROR_SUBSCRIPTION_NOT_FOUND = 5001,
  FM_ERROR_EMAIL_ALREADY_REGISTERED = 5002,
  FM_ERROR_SIGNUP_FORM_NOT_ACCEPTED = 5003,
  FM_ERROR_SESSION_PASSWORD_NOT_FOUND = 5004,
  FM_ERROR_SESSION_CUST_REF_NOT_FOUND = 5005,
  FM_ERROR_ALL_USER_LICENCESES_IN_USE = 5006,
  FM_ERROR_REGISTRATION_REQUIRED = 5007,
  FM_ERROR_PAYMENT_METHOD_NOT_ACCEPTED = 5008,
  FM_ERROR_SUBSCRIPTION_CANCELLATION_FAILED = 5009,
  FM_ERROR_INVALID_SUBSCRIPTION_STATE = 5010,
  FM_ERROR_PAYMENT_FAILED = 5011,
  FM_ERROR_RECEIPT_VERIFICATION_ERROR = 5012,
  FM_ERROR_RECEIPT_ALREADY_USED_FOR_ACTIVATION = 5013,
  FM_ERROR_SUBSCRIPTION_NOT_PAID = 5014,
  FM_ERROR_SUBSCRIPTION_ALREADY_ACTIVATED = 5015,
  FM_ERROR_SUBSCRIPTION_PURCHASE_ACK_FAILED = 5016,
  FM_ERROR_INVOICE_FAILURE = 5017,
  FM_ERROR_CONTACTS_LIMIT_REACHED = 6001,
  FM_ERROR_STORAGE_CAP_REACHED = 6002,
  FM_ERROR_CONTACTS_FILE_PARSE_ERROR = 6003,
  FM_ERROR_RECOVERY_NOT_POSSIBLE = 6004,
  FM_ERROR_IMAGE_FILE_ERROR = 6005,
  FM_ERROR_CONTACT_DUPLICATE = 6006,
  FM_ERROR_CHUNK_DOWNLOAD_ERROR = 6007,
  FM_ERROR_FILE_OPERATION_ERROR = 6008,
  FM_ERROR_PROTOCOL = 9001,
  FM_ERROR_HTTP_STATUS = 9002,
  FM_ERROR_INSECURE_URL = 9003,
  FM_ERROR_INVALID_URL = 9004,
  FM_ERROR_NETWORK = 9005,
  FM_ERROR_FILE_CHANGED = 9006,
  FM_ERROR_FILE_UNREADABLE = 9007,
  FM_ERROR_NOT_LOGGED_IN = 9008,
  FM_ERROR_UPLOAD_FAILED = 9009,
  FM_ERROR_CANCELLED = 9010,
  FM_ERROR_DOWNLOAD_FAILED = 9011,
  FM_ERROR_TLS = 9012,          /* the server's certificate was refused: never retried */
  FM_ERROR_TIMED_OUT = 9013,    /* no whole answer within the call's deadline */
  FM_ERROR_BUSY = 9014,         /* another process is working on the same upload or file */
  FM_ERROR_SERVER_UNAVAILABLE = 9015, /* HTTP 5xx, 408, 429 from the API: transient */
  FM_ERROR_NOT_FILEMAIL = 9016, /* an answer that is no JSON at all (a captive portal's page): transient */
  FM_ERROR_ZIP_NOT_UPDATED = 9017, /* a file was removed, /api/ziptransfer failed: the ZIP may still hold it */
  FM_ERROR_NO_ROOM = 9019,      /* a download would not fit on the disk (with its margin) */
  FM_ERROR_TLS_HANDSHAKE = 9018, /* no secure connection could be set up, the certificate not at fault: never retried */
  FM_ERROR_NOT_A_LINK = 9020,   /* text that is neither a transfer id nor a link of the configured server */
} FmError;

GQuark       fm_error_quark             (void);
const char  *fm_error_get_name          (int code);
const char  *fm_error_get_message       (int code);
gboolean     fm_error_code_is_known     (int code);
const int   *fm_error_get_codes         (gsize *n_codes);
GError      *fm_error_new_from_server   (int         code,
                                         const char *errorname,
                                         const char *errormessage);
gboolean     fm_error_is_auth_expired   (const GError *error);
GError      *fm_error_new_download      (const char   *format,
                                         ...) G_GNUC_PRINTF (1, 2);
const char  *fm_error_get_server_message (const GError *error);
GError      *fm_error_new_with_detail   (int         code,
                                         const char *detail,
                                         const char *message);
const char  *fm_error_get_detail        (const GError *error);
char        *fm_error_describe          (const GError *error);
const char  *fm_error_human_message     (const GError *error);

G_END_DECLS
