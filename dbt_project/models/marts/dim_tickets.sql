with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

),

status_intervals as (

    select * from {{ ref('fct_ticket_status_intervals') }}

),

status_categories as (

    select * from {{ ref('ticketflow_status_categories') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

priorities as (

    select * from {{ ref('ticketflow_priorities') }}

),

sources as (

    select * from {{ ref('ticketflow_sources') }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

service_terms as (

    select * from {{ ref('int_ticket_service_terms') }}

),

current_status as (

    select
        status_intervals.ticket_id,
        status_intervals.status,
        status_intervals.status_category,
        status_intervals.is_status_mapped,
        status_categories.is_solved,
        status_intervals.started_at as status_since_at
    from status_intervals
    inner join status_categories
        on status_intervals.status_category = status_categories.status_category
    where status_intervals.is_current

),

final as (

    select
        tickets.ticket_id,
        -- One account per database (the loader refuses another): that of the latest load
        -- that carried the ticket's activities.
        loads.account_id,
        tickets.created_at,
        tickets.is_created_in_window,
        current_status.status,
        current_status.status_category,
        current_status.is_status_mapped,
        current_status.status_since_at,
        cast(tickets.priority as integer) as priority,
        priorities.priority_name,
        cast(tickets.source as integer) as source,
        sources.source_name,
        tickets.group_name,
        tickets.agent_id,
        tickets.requester_id,
        tickets.issue_type,
        tickets.ticket_type,
        tickets.product,
        tickets.due_by_at,
        tickets.sla_policy,
        service_terms.applied_sla_policy,
        service_terms.business_calendar,
        tickets.is_deleted,
        tickets.first_activity_at,
        tickets.last_activity_at,
        coalesce(current_status.is_solved, false) as is_resolved,
        as_of.as_of
    from tickets
    left join current_status
        on tickets.ticket_id = current_status.ticket_id
    left join priorities
        on tickets.priority = priorities.priority
    left join sources
        on tickets.source = sources.source
    left join loads
        on tickets.last_load_id = loads.load_id
    left join service_terms
        on tickets.ticket_id = service_terms.ticket_id
    cross join as_of

)

select * from final
