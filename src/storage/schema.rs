// The tables as diesel sees them. Keep in step with both migration folders; the
// schema test (tests/api/schema.rs) compares what each backend ends up with.

diesel::table! {
    teams (code) {
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reference_counters (year) {
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    requests (id) {
        id -> Text,
        reference -> Text,
        kind -> Text,
        mode -> Nullable<Text>,
        scope -> Nullable<Text>,
        direct_marketing -> Nullable<Bool>,
        related_request -> Nullable<Text>,
        channel -> Text,
        status -> Text,
        team -> Text,
        assignee -> Nullable<Text>,
        received_on -> Date,
        relation -> Text,
        age_band -> Text,
        identity_verified_by -> Nullable<Text>,
        extension_informed_on -> Nullable<Date>,
        extension_until -> Nullable<Date>,
        outcome -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        closed_on -> Nullable<Date>,
        paused_days -> Integer,
        suspended_since -> Nullable<Date>,
        response_due -> Date,
        execution_due -> Date,
        legal_due -> Date,
        open_due -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        next_reminder_at -> Nullable<Timestamp>,
        decision_days -> Nullable<Integer>,
        decided_on_time -> Nullable<Bool>,
        completion_days -> Nullable<Integer>,
        completed_on_time -> Nullable<Bool>,
        registered_by -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
        duplicate_of -> Nullable<Text>,
    }
}

diesel::table! {
    change_reasons (event_id) {
        event_id -> Text,
        request_id -> Text,
        reason -> Text,
    }
}

diesel::table! {
    requester_keys (key, request_id) {
        key -> Text,
        request_id -> Text,
        status -> Text,
        kind -> Text,
        team -> Text,
        received_on -> Date,
    }
}

diesel::table! {
    request_details (request_id) {
        request_id -> Text,
        requester_name -> Nullable<Text>,
        requester_email -> Nullable<Text>,
        requester_phone -> Nullable<Text>,
        client_reference -> Nullable<Text>,
        parents_informed -> Nullable<Bool>,
        description -> Nullable<Text>,
        assessment_note -> Nullable<Text>,
        extension_reason -> Nullable<Text>,
        decision_explanation -> Nullable<Text>,
        completion_summary -> Nullable<Text>,
        recipients_note -> Nullable<Text>,
        withdrawal_reason -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
        address_line -> Nullable<Text>,
        address_postcode -> Nullable<Text>,
        address_city -> Nullable<Text>,
        language -> Nullable<Text>,
        subject_name -> Nullable<Text>,
        client_key -> Nullable<Text>,
    }
}

diesel::table! {
    decision_grounds (request_id, position) {
        request_id -> Text,
        position -> Integer,
        ground -> Text,
    }
}

diesel::table! {
    suspensions (request_id, number) {
        request_id -> Text,
        number -> Integer,
        reason -> Text,
        asked_on -> Date,
        resumed_on -> Nullable<Date>,
        resume_to -> Text,
    }
}

diesel::table! {
    recipients (request_id, position) {
        request_id -> Text,
        position -> Integer,
        name -> Text,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        request_id -> Nullable<Text>,
        actor -> Text,
        occurred_at -> Timestamp,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        data -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::joinable!(requests -> teams (team));
diesel::joinable!(request_details -> requests (request_id));

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        deactivated_at -> Nullable<Timestamp>,
        reminders -> Text,
        oidc_issuer -> Nullable<Text>,
        oidc_subject -> Nullable<Text>,
        last_signed_in_at -> Nullable<Timestamp>,
        role_withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oidc_attempts (id_hash) {
        id_hash -> Text,
        state -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    team_members (team, user_id) {
        team -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        service_name -> Nullable<Text>,
    }
}

diesel::table! {
    web_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
                csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Nullable<Timestamp>,
        signed_in_with -> Text,
        id_token -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        key -> Text,
        request_id -> Nullable<Text>,
        recipient_id -> Nullable<Text>,
        recipient_email -> Text,
        stage -> Text,
        deadline -> Nullable<Text>,
        deadline_date -> Nullable<Date>,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        digest_id -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        letter_id -> Nullable<Text>,
        task_id -> Nullable<Text>,
    }
}

diesel::table! {
    letters (id) {
        id -> Text,
        request_id -> Text,
        kind -> Text,
        status -> Text,
        channel -> Text,
        language -> Text,
        paragraphs -> Nullable<Text>,
        body -> Nullable<Text>,
        pdf -> Nullable<Binary>,
        sha256 -> Nullable<Text>,
        sent_on -> Nullable<Date>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        purged_at -> Nullable<Timestamp>,
        dated_on -> Nullable<Date>,
    }
}

diesel::table! {
    kept_forms (key_hash) {
        key_hash -> Text,
        user_id -> Nullable<Text>,
        path -> Text,
        fields -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        content_type -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    form_keys (key_hash) {
        key_hash -> Text,
        user_id -> Text,
        outcome -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    systems (code) {
        code -> Text,
        name -> Text,
        owner_id -> Text,
        deputy_id -> Nullable<Text>,
        kinds -> Text,
        active -> Bool,
        processor -> Bool,
        webhook_url -> Nullable<Text>,
        callback_secret -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tasks (id) {
        id -> Text,
        request_id -> Text,
        system_code -> Text,
        owner_id -> Text,
        status -> Text,
        opened_on -> Date,
        due -> Date,
        note -> Nullable<Text>,
        done_by -> Nullable<Text>,
        done_at -> Nullable<Timestamp>,
        next_reminder_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        team -> Text,
    }
}

diesel::table! {
    used_signatures (signature) {
        signature -> Text,
        used_at -> Timestamp,
    }
}

diesel::joinable!(letters -> requests (request_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(team_members -> teams (team));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(tasks -> requests (request_id));
diesel::joinable!(tasks -> systems (system_code));
diesel::allow_tables_to_appear_in_same_query!(
    teams,
    requests,
    request_details,
    decision_grounds,
    suspensions,
    recipients,
    audit_events,
    audit_head,
    reference_counters,
    users,
    team_members,
    api_tokens,
    notifications,
    web_sessions,
    change_reasons,
    requester_keys,
    letters,
    oidc_attempts,
    kept_forms,
    idempotency_keys,
    form_keys,
    systems,
    tasks,
    used_signatures,
);
