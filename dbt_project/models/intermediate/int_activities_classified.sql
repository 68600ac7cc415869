{#- Each unique activity with its status name mapped through the status seeds and its note
    type classified. A view: its readers take a few of its columns each, so writing every
    activity again as a table would cost more than the seed lookups it saves. -#}

with

activities as (

    select * from {{ ref('int_activities_sequenced') }}

),

status_names as (

    select * from {{ status_names_relation() }}

),

status_categories as (

    select * from {{ ref('ticketflow_status_categories') }}

),

note_types as (

    select * from {{ ref('ticketflow_note_types') }}

),

mapped as (

    select
        activities.*,
        status_names.canonical_status,
        case
            when activities.status is not null
                then status_names.status_name is not null
        end as is_status_mapped,
        case
            when activities.status is not null
                then coalesce(status_names.status_category, 'other')
        end as status_category,
        -- Status identity for "a status equal to the current one is not a change": the
        -- canonical status of a mapped name, the name itself otherwise.
        case
            when activities.status is not null
                then coalesce(status_names.canonical_status, activities.status)
        end as status_key,
        status_categories.is_solved,
        status_categories.stage_order,
        coalesce(note_types.is_response_type, false) as is_response_type_note
    from activities
    left join status_names
        on lower(trim(activities.status)) = lower(trim(status_names.status_name))
    left join status_categories
        on
            coalesce(status_names.status_category, 'other') = status_categories.status_category
            and activities.status is not null
    left join note_types
        on activities.note_type = note_types.note_type

)

select * from mapped
