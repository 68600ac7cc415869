{%- set categories = status_categories() -%}

with

tickets as (

    select * from {{ ref('dim_tickets') }}

),

ticket_attributes as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

),

status_intervals as (

    select * from {{ ref('fct_ticket_status_intervals') }}

),

responses as (

    select * from {{ ref('int_responses') }}

),

interval_summary as (

    select
        ticket_id,
        min(started_at) as first_status_at,
        min(case when interval_sequence = 2 then started_at end) as first_status_change_at,
        {%- for category in categories %}
        sum(case when status_category = '{{ category }}' then seconds_in_status else 0 end)
            as seconds_{{ category }},
        {%- endfor %}
        sum(case when is_resolution then 1 else 0 end) as resolution_count,
        min(case when is_resolution then started_at end) as first_resolution_at,
        max(case when is_resolution then started_at end) as last_resolution_at,
        sum(case when is_reopen then 1 else 0 end) as reopen_count,
        count(*) as status_change_count
    from status_intervals
    group by ticket_id

),

response_summary as (

    select
        ticket_id,
        min(responded_at) as first_response_at,
        count(*) as public_reply_count
    from responses
    group by ticket_id

),

final as (

    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.is_created_in_window,
        tickets.status,
        tickets.status_category,
        tickets.priority,
        tickets.group_name,
        tickets.agent_id,
        tickets.requester_id,
        response_summary.first_response_at,
        {{ seconds_from_creation('response_summary.first_response_at') }}
            as first_response_seconds,
        interval_summary.first_status_at,
        interval_summary.first_status_change_at,
        {{ seconds_from_creation('interval_summary.first_status_change_at') }}
            as first_status_change_seconds,
        interval_summary.first_resolution_at,
        {{ seconds_from_creation('interval_summary.first_resolution_at') }}
            as first_resolution_seconds,
        interval_summary.last_resolution_at,
        case
            when tickets.is_resolved
                then {{ seconds_from_creation('interval_summary.last_resolution_at') }}
        end as resolution_seconds,
        cast(coalesce(interval_summary.resolution_count, 0) as bigint) as resolution_count,
        cast(coalesce(interval_summary.reopen_count, 0) as bigint) as reopen_count,
        {%- for category in categories %}
        cast(coalesce(interval_summary.seconds_{{ category }}, 0) as bigint)
            as seconds_{{ category }},
        {%- endfor %}
        cast(coalesce(response_summary.public_reply_count, 0) as bigint) as public_reply_count,
        cast(ticket_attributes.private_note_count as bigint) as private_note_count,
        cast(ticket_attributes.agent_reassignment_count as bigint) as agent_reassignment_count,
        cast(ticket_attributes.group_change_count as bigint) as group_change_count,
        cast(ticket_attributes.activity_count as bigint) as activity_count,
        cast(coalesce(interval_summary.status_change_count, 0) as bigint) as status_change_count,
        tickets.is_resolved,
        tickets.as_of
    from tickets
    inner join ticket_attributes
        on tickets.ticket_id = ticket_attributes.ticket_id
    left join interval_summary
        on tickets.ticket_id = interval_summary.ticket_id
    left join response_summary
        on tickets.ticket_id = response_summary.ticket_id

)

select * from final
