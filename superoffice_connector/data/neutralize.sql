-- A copied (neutralized) database must never talk to the production SuperOffice tenant:
-- forget every credential and the webhook registrations, and stop the connector's crons.
UPDATE superoffice_connection
   SET client_secret = NULL,
       system_token = NULL,
       private_key = NULL,
       oauth_access_token = NULL,
       oauth_refresh_token = NULL,
       oauth_expires_at = NULL,
       onsite_password = NULL,
       ticket = NULL,
       webhook_secret = NULL,
       webhook_id = 0,
       state = 'draft',
       last_error = 'Credentials removed by database neutralization.';

UPDATE ir_cron
   SET active = FALSE
 WHERE id IN (SELECT res_id FROM ir_model_data
               WHERE module = 'superoffice_connector' AND model = 'ir.cron');

-- The system user tickets the worker processes shared.
DELETE FROM superoffice_shared_state;
-- Nor may SuperOffice's ERP Sync write into the copy: its connector keys stop working.
UPDATE superoffice_erp_connection
   SET key = NULL,
       online_private_key = NULL,
       active = FALSE;
