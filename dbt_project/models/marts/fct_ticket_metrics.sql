{%- set categories = status_categories() -%}
{#- The instants at which a ticket's business clock is read (milestone_clocks). -#}
{%- set milestones = [
    ('creation', 'tickets.created_at'),
    ('first_response', 'response_summary.first_response_at'),
    ('first_resolution', 'interval_summary.first_resolution_at'),
    ('last_resolution', 'interval_summary.last_resolution_at'),
] -%}

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

service_terms as (

    select * from {{ ref('int_ticket_service_terms') }}

),

business_clock as (

    select * from {{ ref('int_business_clock_readings') }}

),

business_clock_at_as_of as (

    select * from {{ ref('int_business_clock_at_as_of') }}

),

status_categories as (

    select * from {{ ref('ticketflow_status_categories') }}

),

due_by_exports as (

    select
        ticket_id,
        activity_sequence,
        performed_at,
        due_by_at
    from {{ ref('int_activities_sequenced') }}
    where due_by_at is not null

),

clocked_intervals as (

    select
        status_intervals.*,
        status_categories.is_sla_clock_running
    from status_intervals
    inner join status_categories
        on status_intervals.status_category = status_categories.status_category

),

interval_summary as (

    select
        ticket_id,
        min(started_at) as first_status_at,
        min(case when interval_sequence = 2 then started_at end) as first_status_change_at,
        {%- for category in categories %}
        sum(case when status_category = '{{ category }}' then seconds_in_status else 0 end)
            as seconds_{{ category }},
        sum(
            case when status_category = '{{ category }}' then business_seconds_in_status else 0 end
        ) as business_seconds_{{ category }},
        {%- endfor %}
        -- The SLA resolution clock runs in some categories only (seed `is_sla_clock_running`).
        sum(case when is_sla_clock_running then seconds_in_status else 0 end)
            as sla_running_seconds,
        sum(case when is_sla_clock_running then business_seconds_in_status else 0 end)
            as sla_running_business_seconds,
        sum(case when is_resolution then 1 else 0 end) as resolution_count,
        min(case when is_resolution then started_at end) as first_resolution_at,
        max(case when is_resolution then started_at end) as last_resolution_at,
        sum(case when is_reopen then 1 else 0 end) as reopen_count,
        count(*) as status_change_count
    from clocked_intervals
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

milestone_clocks as (

    -- The ticket's business clock at creation, first response, first and last resolution:
    -- its readings (int_business_clock_readings) at those instants, found by one join on the
    -- ticket (about six readings each) rather than one join per instant, each of which hashed
    -- every reading (at 10M activities four such joins spilled gigabytes beside the rest).
    select
        {%- for name, instant in milestones %}
        max(
            case
                when business_clock.read_at = {{ instant }}
                    then business_clock.business_clock_seconds
            end
        ) as clock_at_{{ name }},
        {%- endfor %}
        tickets.ticket_id
    from tickets
    inner join business_clock
        on tickets.ticket_id = business_clock.ticket_id
    left join response_summary
        on tickets.ticket_id = response_summary.ticket_id
    left join interval_summary
        on tickets.ticket_id = interval_summary.ticket_id
    where
        business_clock.read_at in (
            {%- for name, instant in milestones %}
            {{ ', ' if not loop.first }}{{ instant }}
            {%- endfor %}
        )
    group by tickets.ticket_id

),

measured as (

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
        tickets.as_of,
        -- Business hours: the calendar's readings, null where the calendar version is.
        service_terms.business_calendar,
        {{ business_seconds_from_creation('milestone_clocks.clock_at_first_response') }}
            as first_response_business_seconds,
        {{ business_seconds_from_creation('milestone_clocks.clock_at_first_resolution') }}
            as first_resolution_business_seconds,
        case
            when tickets.is_resolved
                then {{ business_seconds_from_creation(
                    'milestone_clocks.clock_at_last_resolution'
                ) }}
        end as resolution_business_seconds,
        {%- for category in categories %}
        cast(coalesce(interval_summary.business_seconds_{{ category }}, 0) as bigint)
            as business_seconds_{{ category }},
        {%- endfor %}
        -- SLA: the clock is business seconds when the policy says so, else seconds; null
        -- without a policy row for the priority, or for a ticket created before the exports.
        service_terms.applied_sla_policy,
        service_terms.first_response_target_seconds,
        service_terms.resolution_target_seconds,
        case
            when service_terms.is_business_hours and tickets.is_created_in_window
                then coalesce(
                    milestone_clocks.clock_at_first_response,
                    clock_at_as_of.business_clock_seconds
                ) - milestone_clocks.clock_at_creation
            when not service_terms.is_business_hours
                then {{ seconds_from_creation(
                    'coalesce(response_summary.first_response_at, tickets.as_of)'
                ) }}
        end as first_response_sla_elapsed_seconds,
        case
            when tickets.is_created_in_window and service_terms.is_business_hours
                then cast(coalesce(interval_summary.sla_running_business_seconds, 0) as bigint)
            when tickets.is_created_in_window and not service_terms.is_business_hours
                then cast(coalesce(interval_summary.sla_running_seconds, 0) as bigint)
        end as resolution_sla_elapsed_seconds,
        response_summary.first_response_at is not null as is_first_response_done,
        -- Freshdesk's own due time is read at the last resolution of a solved ticket, else
        -- at as_of.
        case
            when tickets.is_resolved then interval_summary.last_resolution_at
            else tickets.as_of
        end as due_by_checked_at
    from tickets
    inner join ticket_attributes
        on tickets.ticket_id = ticket_attributes.ticket_id
    inner join service_terms
        on tickets.ticket_id = service_terms.ticket_id
    left join interval_summary
        on tickets.ticket_id = interval_summary.ticket_id
    left join response_summary
        on tickets.ticket_id = response_summary.ticket_id
    left join milestone_clocks
        on tickets.ticket_id = milestone_clocks.ticket_id
    left join business_clock_at_as_of as clock_at_as_of
        on service_terms.business_calendar = clock_at_as_of.business_calendar

),

exported_due_by as (

    select
        measured.ticket_id,
        {{ last_by('due_by_exports.due_by_at', 'due_by_exports.activity_sequence') }}
            as exported_due_by_at
    from measured
    inner join due_by_exports
        on
            measured.ticket_id = due_by_exports.ticket_id
            and measured.due_by_checked_at >= due_by_exports.performed_at
    group by measured.ticket_id

),

final as (

    select
        measured.ticket_id,
        measured.created_at,
        measured.is_created_in_window,
        measured.status,
        measured.status_category,
        measured.priority,
        measured.group_name,
        measured.agent_id,
        measured.requester_id,
        measured.first_response_at,
        measured.first_response_seconds,
        measured.first_status_at,
        measured.first_status_change_at,
        measured.first_status_change_seconds,
        measured.first_resolution_at,
        measured.first_resolution_seconds,
        measured.last_resolution_at,
        measured.resolution_seconds,
        measured.resolution_count,
        measured.reopen_count,
        {%- for category in categories %}
        measured.seconds_{{ category }},
        {%- endfor %}
        measured.public_reply_count,
        measured.private_note_count,
        measured.agent_reassignment_count,
        measured.group_change_count,
        measured.activity_count,
        measured.status_change_count,
        measured.is_resolved,
        measured.as_of,
        measured.business_calendar,
        measured.first_response_business_seconds,
        measured.first_resolution_business_seconds,
        measured.resolution_business_seconds,
        {%- for category in categories %}
        measured.business_seconds_{{ category }},
        {%- endfor %}
        measured.applied_sla_policy,
        measured.first_response_target_seconds,
        measured.resolution_target_seconds,
        measured.first_response_sla_elapsed_seconds,
        {{ sla_status(
            'measured.first_response_sla_elapsed_seconds',
            'measured.first_response_target_seconds',
            'measured.is_first_response_done'
        ) }} as first_response_sla_status,
        measured.resolution_sla_elapsed_seconds,
        {{ sla_status(
            'measured.resolution_sla_elapsed_seconds',
            'measured.resolution_target_seconds',
            'measured.is_resolved'
        ) }} as resolution_sla_status,
        exported_due_by.exported_due_by_at,
        measured.due_by_checked_at > exported_due_by.exported_due_by_at
            as is_past_exported_due_by
    from measured
    left join exported_due_by
        on measured.ticket_id = exported_due_by.ticket_id

)

select * from final
